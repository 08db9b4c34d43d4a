using Xunit;

namespace Dagger.Orleans.Tests.Cli;

/// <summary>
/// <c>dagger validate</c> and <c>dagger run</c> without <c>--cluster</c> agree on network operators: the embedded silo's
/// Dagger:Net:Allow is loopback, so an address off loopback is refused by both, naming the node and the address.
/// </summary>
[Collection(CliCollection.Name)]
public class NetValidationCommandTests(CliFixture cli)
{
    private const string OffLoopback = """
        { "nodes": [ { "id": "feed", "op": "tcp_source", "args": { "host": "192.0.2.7", "port": 30002, "format": "avr" } }, { "id": "n", "op": "count" } ],
          "edges": [ { "from": "feed", "to": "n" } ] }
        """;

    [Fact]
    public async Task Validate_and_run_both_refuse_an_address_off_loopback_with_the_same_line()
    {
        var spec = cli.WriteSpec("off-loopback.json", OffLoopback);

        var validate = await cli.RunAsync("validate", spec);
        var run = await cli.RunAsync("run", spec);

        Assert.True(validate.ExitCode == 2, validate.ToString());
        Assert.True(run.ExitCode == 2, run.ToString());
        const string refusal = "  node 'feed': tcp connect to 192.0.2.7:30002 is not allowed";
        Assert.Equal([$"{spec}: 1 problem:", refusal], validate.StderrLines);
        Assert.Contains(refusal, run.StderrLines);
    }

    [Fact]
    public async Task Validate_accepts_the_network_examples_which_use_loopback()
    {
        var adsb = await cli.RunAsync("validate", "examples/adsb-net.json");
        var udp = await cli.RunAsync("validate", "examples/udp-samples.json");

        Assert.True(adsb.ExitCode == 0, adsb.ToString());
        Assert.True(udp.ExitCode == 0, udp.ToString());
    }
}
