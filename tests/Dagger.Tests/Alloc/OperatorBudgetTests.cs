using Dagger.Orleans.Diagnostics;
using Dagger.Orleans.Tests.Radio;
using Xunit;
using Xunit.Abstractions;

namespace Dagger.Orleans.Tests.Alloc;

/// <summary>
/// Every built-in operator, run by <see cref="AllocationProbe"/> (the code behind <c>dagger alloc</c>) on the batches its
/// upstream operators really produce, stays within its steady-state allocation budget: zero bytes per element unless
/// its class declares an <see cref="AllocationBudgetAttribute"/>.
/// </summary>
public sealed class OperatorBudgetTests(IqFiles files, ITestOutputHelper log) : IClassFixture<IqFiles>
{
    private const string Scene = """{ "op": "radar_scene", "args": { "samples": 64, "gates": 512, "pulses": 16, "cpis": 1000000, "targets": "40:3:1;150:12:0.5;300:0:1", "noise": 0.5, "seed": 7 } }""";
    private const string SmallScene = """{ "op": "radar_scene", "args": { "samples": 16, "gates": 64, "pulses": 8, "cpis": 1000000, "targets": "10:3:1;40:5:1", "noise": 0.1, "seed": 7 } }""";
    private const string Taps = "1,0;0.5,0.5;0.25,-0.25";

    /// <summary>Case name → (operator under test, spec). Specs may name {cu8}, {cf32} (temporary captures) and {adsb} (the shared ADS-B capture).</summary>
    private static readonly Dictionary<string, (string Op, string Spec, bool Accelerator)> Cases = new()
    {
        ["range int64"] = ("range", AllocSpecs.Chain(1024, """{"op":"range"}""", """{"op":"count"}"""), false),
        ["range float32"] = ("range", AllocSpecs.Chain(1024, """{"op":"range","args":{"type":"float32"}}""", """{"op":"count"}"""), false),
        ["range vector"] = ("range", AllocSpecs.Chain(64, """{"op":"range","args":{"type":"vector","width":8}}""", """{"op":"count"}"""), false),
        ["range record"] = ("range", AllocSpecs.Chain(256, """{"op":"range","args":{"type":"record"}}""", """{"op":"count"}"""), false),
        ["constant float64"] = ("constant", AllocSpecs.Chain(1024, """{"op":"constant","args":{"value":2}}""", """{"op":"sum"}"""), false),
        ["constant record"] = ("constant", AllocSpecs.Chain(256, """{"op":"constant","args":{"value":2,"type":"record"}}""", """{"op":"sum"}"""), false),
        ["scale float64"] = ("scale", AllocSpecs.Chain(1024, """{"op":"range","args":{"type":"float64"}}""", """{"op":"scale","args":{"factor":1.5}}""", """{"op":"sum"}"""), false),
        ["scale float32 inexact factor"] = ("scale", AllocSpecs.Chain(1024, """{"op":"range","args":{"type":"float32"}}""", """{"op":"scale","args":{"factor":1.0001}}""", """{"op":"sum"}"""), false),
        ["scale records"] = ("scale", AllocSpecs.Chain(256, """{"op":"constant","args":{"value":1,"type":"record"}}""", """{"op":"scale","args":{"factor":2}}""", """{"op":"sum"}"""), false),
        ["offset int64"] = ("offset", AllocSpecs.Chain(1024, """{"op":"range"}""", """{"op":"offset","args":{"value":2}}""", """{"op":"count"}"""), false),
        ["add"] = ("add", """
            { "defaults": { "batch": 1000 },
              "nodes": [ { "id": "x", "op": "range" }, { "id": "y", "op": "constant", "args": { "value": 10 } }, { "id": "z", "op": "add" }, { "id": "s", "op": "sum" } ],
              "edges": [ { "from": "x", "to": "z", "port": 0 }, { "from": "y", "to": "z", "port": 1 }, { "from": "z", "to": "s" } ] }
            """, false),
        ["merge"] = ("merge", """
            { "nodes": [ { "id": "x", "op": "range" }, { "id": "y", "op": "range", "args": { "type": "float32" } }, { "id": "m", "op": "merge" }, { "id": "c", "op": "count" } ],
              "edges": [ { "from": "x", "to": "m", "port": 0 }, { "from": "y", "to": "m", "port": 1 }, { "from": "m", "to": "c" } ] }
            """, false),
        ["sleep 0 ms"] = ("sleep", AllocSpecs.Chain(1024, """{"op":"range"}""", """{"op":"sleep","args":{"ms":0}}""", """{"op":"count"}"""), false),
        ["sleep 1 ms"] = ("sleep", AllocSpecs.Chain(2, """{"op":"range"}""", """{"op":"sleep","args":{"ms":1}}""", """{"op":"count"}"""), false),
        ["collect float64"] = ("collect", AllocSpecs.Chain(1024, """{"op":"range","args":{"type":"float64"}}""", """{"op":"collect"}"""), false),
        ["collect vector"] = ("collect", AllocSpecs.Chain(64, """{"op":"range","args":{"type":"vector","width":64}}""", """{"op":"collect"}"""), false),
        ["collect record"] = ("collect", AllocSpecs.Chain(256, """{"op":"range","args":{"type":"record"}}""", """{"op":"collect"}"""), false),
        ["sum float64"] = ("sum", AllocSpecs.Chain(1024, """{"op":"range","args":{"type":"float64"}}""", """{"op":"sum"}"""), false),
        ["sum vector"] = ("sum", AllocSpecs.Chain(64, """{"op":"range","args":{"type":"vector","width":16}}""", """{"op":"sum"}"""), false),
        ["count"] = ("count", AllocSpecs.Chain(1024, """{"op":"range"}""", """{"op":"count"}"""), false),

        ["chirp"] = ("chirp", AllocSpecs.Chain(16, """{"op":"chirp","args":{"samples":512}}""", """{"op":"count"}"""), false),
        ["radar_scene"] = ("radar_scene", AllocSpecs.Chain(16, Scene, """{"op":"count"}"""), false),
        ["iq_file cu8"] = ("iq_file", AllocSpecs.Chain(16, """{"op":"iq_file","args":{"path":{cu8},"format":"cu8","width":512,"repeat":1000000}}""", """{"op":"count"}"""), false),
        ["iq_file cf32"] = ("iq_file", AllocSpecs.Chain(16, """{"op":"iq_file","args":{"path":{cf32},"width":512,"repeat":1000000}}""", """{"op":"count"}"""), false),
        ["fir"] = ("fir", AllocSpecs.Chain(16, """{"op":"chirp","args":{"samples":512}}""", $$$"""{"op":"fir","args":{"taps":"{{{Taps}}}"}}""", """{"op":"count"}"""), false),
        ["fft and inverse fft"] = ("fft", AllocSpecs.Chain(16, """{"op":"chirp","args":{"samples":512}}""", """{"op":"fft"}""", """{"op":"fft","args":{"inverse":true}}""", """{"op":"count"}"""), false),
        ["radar chain: pulse_compress, doppler, magnitude, cfar"] = ("pulse_compress doppler magnitude cfar", AllocSpecs.Chain(16, Scene,
            """{"op":"pulse_compress","args":{"samples":64}}""", """{"op":"doppler","args":{"pulses":16}}""", """{"op":"magnitude"}""",
            """{"op":"cfar","args":{"guard":4,"reference":5,"mu":100,"doppler_bins":16}}""", """{"op":"count"}"""), false),
        ["cfar without doppler bins"] = ("cfar", AllocSpecs.Chain(16, """{"op":"range","args":{"type":"vector","width":64}}""", """{"op":"cfar","args":{"guard":1,"reference":4,"mu":1.1}}""", """{"op":"count"}"""), false),
        ["fm chain: fm_tone, fm_demod, decimate, tone_frequency"] = ("fm_tone fm_demod decimate tone_frequency", AllocSpecs.Chain(8,
            """{"op":"fm_tone","args":{"tone":0.0125,"width":1024}}""", """{"op":"fm_demod"}""", """{"op":"decimate","args":{"factor":4}}""",
            """{"op":"tone_frequency","args":{"max_samples":4096}}"""), false),
        ["decimate complex"] = ("decimate", AllocSpecs.Chain(16, """{"op":"chirp","args":{"samples":512}}""", """{"op":"decimate","args":{"factor":4}}""", """{"op":"count"}"""), false),
        ["fdfir"] = ("fdfir", AllocSpecs.Chain(16, """{"op":"chirp","args":{"samples":512}}""", $$$"""{"op":"fdfir","args":{"taps":"{{{Taps}}}"}}""", """{"op":"count"}"""), false),
        ["corner_turn"] = ("corner_turn", AllocSpecs.Chain(16, """{"op":"chirp","args":{"samples":64}}""", """{"op":"corner_turn","args":{"rows":16}}""", """{"op":"count"}"""), false),
        ["adsb chain: iq_file, magnitude, modes_detect, frames"] = ("iq_file magnitude modes_detect frames", AllocSpecs.Chain(1024,
            """{"op":"iq_file","args":{"path":{adsb},"format":"cu8","width":4096,"repeat":1000}}""", """{"op":"magnitude"}""", """{"op":"modes_detect"}""", """{"op":"frames"}"""), false),
        ["adsb chain: modes_detect, modes_accept"] = ("modes_accept", AllocSpecs.Chain(1024,
            """{"op":"iq_file","args":{"path":{adsb},"format":"cu8","width":4096,"repeat":1000}}""", """{"op":"magnitude"}""", """{"op":"modes_detect"}""", """{"op":"modes_accept"}""", """{"op":"count"}"""), false),
        ["adsb chain: modes_detect, adsb_decode, aircraft"] = ("adsb_decode aircraft", AllocSpecs.Chain(1024,
            """{"op":"iq_file","args":{"path":{adsb},"format":"cu8","width":4096,"repeat":1000}}""", """{"op":"magnitude"}""", """{"op":"modes_detect"}""", """{"op":"adsb_decode"}""", """{"op":"aircraft"}"""), false),

        ["accelerator: radar chain"] = ("pulse_compress doppler magnitude cfar", AllocSpecs.Chain(4, SmallScene,
            """{"op":"pulse_compress","args":{"samples":16},"device":"gpu"}""", """{"op":"doppler","args":{"pulses":8},"device":"gpu"}""",
            """{"op":"magnitude","device":"gpu"}""", """{"op":"cfar","args":{"guard":2,"reference":4,"mu":20,"doppler_bins":8},"device":"gpu"}""", """{"op":"count"}"""), true),
        ["accelerator: fir, fft, inverse fft"] = ("fir fft", AllocSpecs.Chain(4, """{"op":"chirp","args":{"samples":62}}""",
            $$$"""{"op":"fir","args":{"taps":"{{{Taps}}}"},"device":"gpu"}""", """{"op":"fft","device":"gpu"}""", """{"op":"fft","args":{"inverse":true},"device":"gpu"}""", """{"op":"count"}"""), true),
        ["accelerator: fdfir, corner_turn"] = ("fdfir corner_turn", AllocSpecs.Chain(4, """{"op":"chirp","args":{"samples":64}}""",
            $$$"""{"op":"fdfir","args":{"taps":"{{{Taps}}}"},"device":"gpu"}""", """{"op":"corner_turn","args":{"rows":4},"device":"gpu"}""", """{"op":"count"}"""), true),
    };

    public static TheoryData<string> CaseNames()
    {
        var names = new TheoryData<string>();
        foreach (var name in Cases.Keys) names.Add(name);
        return names;
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void An_operator_stays_within_its_allocation_budget_in_steady_state(string name)
    {
        var (ops, spec, accelerator) = Cases[name];
        var report = AllocSpecs.Measure(WithFiles(spec), accelerator ? AllocSpecs.AcceleratorOptions : AllocSpecs.Options);
        var table = AllocSpecs.Describe(report);
        log.WriteLine(table);

        foreach (var op in ops.Split(' '))
        {
            Assert.Contains(report.Nodes, n => n.Operator == op);
            foreach (var node in report.Nodes)
            {
                if (node.Operator != op) continue;
                // Measured in steady state (not only start-up calls, not starved), and within budget.
                Assert.True(node.Verdict == AllocationVerdict.Ok, $"{name}: node '{node.NodeId}' ({op}) is {node.Verdict}:\n{table}");
            }
        }
        Assert.True(report.AllWithinBudget, $"{name}: some node is over budget:\n{table}");
    }

    [Fact]
    public void Every_operator_of_the_silo_has_a_budget_case()
    {
        var covered = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (ops, _, _) in Cases.Values)
        {
            foreach (var op in ops.Split(' ')) covered.Add(op);
        }
        // The network operators need a live peer: Net/NetAllocationTests measures them.
        foreach (var op in Net.NetAllocationTests.Operators) covered.Add(op);
        var builtIn = new Dagger.Orleans.Operators.OperatorCatalog([typeof(Dagger.Orleans.Operators.OperatorCatalog).Assembly]);
        var missing = builtIn.All.Select(d => d.Name).Where(n => !covered.Contains(n)).Order(StringComparer.Ordinal).ToList();

        Assert.True(missing.Count == 0, $"operators without an allocation budget case: {string.Join(", ", missing)}");
    }

    private string WithFiles(string spec) => spec
        .Replace("{cu8}", AllocSpecs.JsonPath(files.Cu8), StringComparison.Ordinal)
        .Replace("{cf32}", AllocSpecs.JsonPath(files.Cf32), StringComparison.Ordinal)
        .Replace("{adsb}", AllocSpecs.JsonPath(AdsbCapture.Path), StringComparison.Ordinal);
}
