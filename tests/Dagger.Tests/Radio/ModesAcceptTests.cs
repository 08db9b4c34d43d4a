using System.Text.Json;
using Dagger.Orleans.Operators;
using Dagger.Orleans.Operators.Radio;
using Dagger.Orleans.Wire;
using Xunit;
using Record = Dagger.Orleans.Wire.Record;

namespace Dagger.Orleans.Tests.Radio;

/// <summary>modes_accept: the capture's candidates in, the frames the frames sink reports out, also across a saved and restored state.</summary>
public sealed class ModesAcceptTests
{
    [Fact]
    public async Task Of_the_capture_s_candidates_it_passes_the_frames_the_frames_sink_reports_also_when_its_state_moves_half_way()
    {
        var candidates = AdsbCapture.Detect();
        var half = candidates.Count / 2;
        var first = AdsbOperatorTests.Create<ModesAcceptOperator>("modes_accept");
        var passed = await AcceptAsync(first, candidates.Take(half));
        // Half way the node moves: a fresh instance takes the state and goes on.
        var moved = AdsbOperatorTests.Create<ModesAcceptOperator>("modes_accept");
        moved.RestoreState(JsonDocument.Parse(AdsbOperatorTests.Save(first.SaveState)).RootElement);
        passed.AddRange(await AcceptAsync(moved, candidates.Skip(half)));

        Assert.Equal(AdsbCapture.Report(candidates).Select(f => (f.Offset, f.Hex)), passed.Select(r => (r.Key, r.Label!)));
    }

    private static async Task<List<Record>> AcceptAsync(ModesAcceptOperator accept, IEnumerable<ModeSFrame> candidates)
    {
        var list = candidates.ToList();
        var batch = Batch.Rent(ElementKind.Record, Math.Max(list.Count, 1));
        batch.Count = list.Count;
        for (var i = 0; i < list.Count; i++) batch.Records![i] = new Record { Key = list[i].Offset, Label = list[i].Hex, Value = list[i].BitsRepaired };
        var output = new OutputBuffer(1024);
        await accept.TransformAsync(0, batch, output, CancellationToken.None);
        batch.Release();
        output.Flush();
        var records = new List<Record>();
        while (output.HasReady)
        {
            var b = output.TakeReady();
            foreach (var r in b.RecordSpan) records.Add(r.Clone());
            b.Release();
        }
        return records;
    }
}
