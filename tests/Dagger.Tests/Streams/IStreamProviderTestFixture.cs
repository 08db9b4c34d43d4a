using Orleans.Hosting;

namespace Dagger.Orleans.Tests.Streams;

/// <summary>
/// What <see cref="StreamProviderContract{TFixture}"/> needs from a provider's test fixture: a running broker (with
/// credentials), the provider's registration with fast test settings, wrong and unreachable variants for the start-up
/// tests, and a way to crash and restart the broker (same port and data).
/// </summary>
public interface IStreamProviderTestFixture
{
    /// <summary>The broker's address as the provider's messages name it ("127.0.0.1:PORT").</summary>
    string Address { get; }

    /// <summary>Bytes of an event payload that is surely over the broker's maximum message size (forcing a split).</summary>
    int LargeEventBytes { get; }

    /// <summary>Registers provider <paramref name="providerName"/> on a silo: the fixture's broker, valid credentials, short poll period and ack wait, implicit-only pub/sub.</summary>
    void AddStreams(ISiloBuilder silo, string providerName);

    /// <summary>The same on a cluster client.</summary>
    void AddStreams(IClientBuilder client, string providerName);

    /// <summary>Registers the provider with a wrong password; start-up must fail naming <see cref="Address"/> and <see cref="PasswordSetting"/>.</summary>
    void AddStreamsWithWrongPassword(ISiloBuilder silo, string providerName);

    /// <summary>The same on a cluster client.</summary>
    void AddStreamsWithWrongPassword(IClientBuilder client, string providerName);

    /// <summary>Registers the provider against 127.0.0.1:<paramref name="closedPort"/>, where nothing listens; start-up must fail naming that address and <see cref="AddressSetting"/>.</summary>
    void AddStreamsAtUnreachableBroker(ISiloBuilder silo, string providerName, int closedPort);

    /// <summary>The option a credentials error must name ("Password").</summary>
    string PasswordSetting { get; }

    /// <summary>The option an unreachable-broker error must name ("Url", "Host").</summary>
    string AddressSetting { get; }

    /// <summary>The passwords (right and wrong) that no message may show.</summary>
    IReadOnlyList<string> Secrets { get; }

    /// <summary>Crashes the broker (SIGKILL).</summary>
    Task KillBrokerAsync();

    /// <summary>Starts it again on the same port with the same data.</summary>
    Task RestartBrokerAsync();
}
