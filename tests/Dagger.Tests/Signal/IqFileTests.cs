using System.Runtime.InteropServices;
using Dagger.Orleans.Operators;
using Dagger.Orleans.Wire;
using Xunit;

namespace Dagger.Orleans.Tests.Signal;

public sealed class IqFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dagger-iq-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string WriteCf32(string name, int samples)
    {
        var floats = new float[2 * samples];
        for (var n = 0; n < samples; n++)
        {
            floats[2 * n] = n;
            floats[2 * n + 1] = -n;
        }
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, MemoryMarshal.AsBytes(floats.AsSpan()).ToArray());
        return path;
    }

    private static string Args(string path, string extra = "") => $$"""{"path":{{System.Text.Json.JsonSerializer.Serialize(path)}}{{extra}}}""";

    [Fact]
    public void A_cf32_file_reads_as_complex_vectors_of_width_samples_with_a_shorter_last_one()
    {
        var path = WriteCf32("ten.cf32", 10);
        var source = OperatorHarness.Create<SourceOperator>("iq_file", Args(path, ""","width":4"""));

        var batches = OperatorHarness.Drain(source);
        var elements = OperatorHarness.Elements(batches);

        Assert.All(batches, b => Assert.Equal(ElementKind.Complex, b.Kind));
        Assert.Equal([4, 4, 2], elements.Select(e => e.Length / 2));
        Assert.Equal([8f, -8f, 9f, -9f], elements[2]);
        Assert.Equal(2, batches[^1].Width); // the short tail is a batch of its own
        OperatorHarness.ReleaseAll(batches);
    }

    [Fact]
    public void Offset_count_and_repeat_select_and_replay_a_range_of_samples()
    {
        var path = WriteCf32("range.cf32", 100);
        var source = OperatorHarness.Create<SourceOperator>("iq_file", Args(path, ""","width":2,"offset":10,"count":3,"repeat":2"""));

        var batches = OperatorHarness.Drain(source);
        var samples = OperatorHarness.Elements(batches).SelectMany(e => e.Where((_, i) => i % 2 == 0)).ToArray();

        Assert.Equal([10f, 11f, 12f, 10f, 11f, 12f], samples);
        OperatorHarness.ReleaseAll(batches);
    }

    [Fact]
    public void With_a_rate_every_element_goes_out_alone_no_sooner_than_a_receiver_would_deliver_it()
    {
        var path = WriteCf32("paced.cf32", 10);
        var source = OperatorHarness.Create<SourceOperator>("iq_file", Args(path, ""","width":4,"repeat":2,"rate":400"""));
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var batches = OperatorHarness.Drain(source);

        // 20 samples at 400 samples/s are 50 ms of signal: the last element is due then. Only a lower bound is
        // asserted (a loaded machine makes it later, never sooner).
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(45), $"20 samples at 400/s took {clock.Elapsed.TotalMilliseconds:F1} ms");
        Assert.Equal([4, 4, 2, 4, 4, 2], batches.Select(b => b.Width));
        Assert.All(batches, b => Assert.Equal(1, b.Count));
        var clockOf = Assert.IsAssignableFrom<Dagger.Orleans.Operators.Signal.ISampleClock>(source);
        Assert.Equal(400, clockOf.SampleRate);
        Assert.Equal(20, clockOf.SamplesEmitted);
        OperatorHarness.ReleaseAll(batches);
    }

    [Fact]
    public void A_rate_below_one_sample_per_second_is_refused_naming_the_node_and_the_argument()
    {
        var spec = new Dagger.Orleans.Spec.DagBuilder()
            .Node("radio", "iq_file", new { path = "x.cf32", rate = 0 })
            .Node("out", "count")
            .Edge("radio", "out")
            .Build();

        var problems = Dagger.Orleans.Spec.DagValidator.Validate(spec, OperatorHarness.Catalog, [Dagger.Orleans.Spec.Transports.Memory]);

        Assert.Contains(problems, p => p.Contains("node 'radio'") && p.Contains("'rate'"));
    }

    [Fact]
    public void A_cu8_file_maps_bytes_to_plus_minus_one()
    {
        var path = Path.Combine(_dir, "rtl.cu8");
        File.WriteAllBytes(path, [0, 255, 127, 128]);
        var source = OperatorHarness.Create<SourceOperator>("iq_file", Args(path, ""","format":"cu8" """));

        var batches = OperatorHarness.Drain(source);
        var element = Assert.Single(OperatorHarness.Elements(batches));

        Assert.Equal([-1f, 1f, -0.5f / 127.5f, 0.5f / 127.5f], element);
        OperatorHarness.ReleaseAll(batches);
    }

    [Fact]
    public void A_relative_path_resolves_against_the_current_directory()
    {
        var path = WriteCf32("relative.cf32", 3);
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, path);
        var source = OperatorHarness.Create<SourceOperator>("iq_file", Args(relative));

        var batches = OperatorHarness.Drain(source);

        Assert.Equal(3, batches.Single().Width);
        OperatorHarness.ReleaseAll(batches);
    }

    [Fact]
    public void A_missing_file_fails_with_its_path_in_the_message()
    {
        var path = Path.Combine(_dir, "nowhere.cf32");
        var source = OperatorHarness.Create<SourceOperator>("iq_file", Args(path));

        var error = Assert.Throws<FileNotFoundException>(() => OperatorHarness.Drain(source));
        Assert.Contains(path, error.Message);
    }

    [Theory]
    [InlineData("cf32", 12)]
    [InlineData("cu8", 5)]
    public void A_file_of_part_of_a_sample_is_reported_truncated(string format, int bytes)
    {
        var path = Path.Combine(_dir, "cut." + format);
        File.WriteAllBytes(path, new byte[bytes]);
        var source = OperatorHarness.Create<SourceOperator>("iq_file", Args(path, $$""","format":"{{format}}" """));

        var error = Assert.Throws<InvalidDataException>(() => OperatorHarness.Drain(source));
        Assert.Contains("truncated", error.Message);
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void An_offset_beyond_the_end_of_the_file_is_an_error_naming_the_file()
    {
        var path = WriteCf32("short.cf32", 4);
        var source = OperatorHarness.Create<SourceOperator>("iq_file", Args(path, ""","offset":5"""));

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => OperatorHarness.Drain(source));
        Assert.Contains("beyond the end", error.Message);
        Assert.Contains(path, error.Message);
    }
}
