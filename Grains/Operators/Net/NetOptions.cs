namespace Dagger.Orleans.Operators.Net;

/// <summary>
/// The <c>Dagger:Net</c> settings of a silo: <see cref="Allow"/> lists the addresses and ports network operators
/// (<c>tcp_source</c>, <c>udp_sink</c>, <c>rtl_tcp</c>, …) may listen on or connect to — a spec must not turn a silo
/// into a port scanner. Empty (the default of a cluster silo): no network operator is accepted. The embedded silo of
/// <c>dagger run</c> allows loopback. The entry syntax is <see cref="NetAllowList"/>'s.
/// </summary>
public sealed class NetOptions
{
    public const string Section = "Dagger:Net";

    public List<string> Allow { get; set; } = [];
}
