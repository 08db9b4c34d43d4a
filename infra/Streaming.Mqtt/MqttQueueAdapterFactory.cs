using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Configuration.Overrides;
using Orleans.Providers.Streams.Common;
using Orleans.Serialization;
using Orleans.Streams;

namespace Dagger.Orleans.Streaming.Mqtt;

/// <summary>
/// Makes the MQTT adapter of one named provider. Creating the adapter connects its publisher: Orleans does it while the
/// silo or client starts, so an unreachable broker or refused credentials fail the start with the broker and the setting named.
/// </summary>
internal sealed class MqttQueueAdapterFactory : IQueueAdapterFactory, IAsyncDisposable
{
    private readonly string _providerName;
    private readonly MqttStreamOptions _options;
    private readonly MqttNames _names;
    private readonly Serializer _serializer;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly HashRingBasedStreamQueueMapper _queueMapper;
    private readonly SimpleQueueAdapterCache _cache;
    private readonly ConcurrentDictionary<MqttQueueReceiver, byte> _receivers = new();
    private MqttPublisher? _publisher;

    public MqttQueueAdapterFactory(
        string providerName,
        MqttStreamOptions options,
        HashRingStreamQueueMapperOptions queueMapperOptions,
        SimpleQueueCacheOptions cacheOptions,
        IOptions<ClusterOptions> clusterOptions,
        Serializer serializer,
        ILoggerFactory loggerFactory)
    {
        _providerName = providerName;
        _options = options;
        _names = new MqttNames(options, clusterOptions.Value.ServiceId, providerName);
        _serializer = serializer;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<MqttQueueAdapterFactory>();
        _queueMapper = new HashRingBasedStreamQueueMapper(queueMapperOptions, providerName);
        _cache = new SimpleQueueAdapterCache(cacheOptions, providerName, loggerFactory);
    }

    public static MqttQueueAdapterFactory Create(IServiceProvider services, string name) =>
        ActivatorUtilities.CreateInstance<MqttQueueAdapterFactory>(
            services,
            name,
            services.GetOptionsByName<MqttStreamOptions>(name),
            services.GetOptionsByName<HashRingStreamQueueMapperOptions>(name),
            services.GetOptionsByName<SimpleQueueCacheOptions>(name),
            services.GetProviderClusterOptions(name));

    [Obsolete("Orleans calls the overload with a CancellationToken.")]
    public Task<IQueueAdapter> CreateAdapter() => CreateAdapter(CancellationToken.None);

    public async Task<IQueueAdapter> CreateAdapter(CancellationToken cancellationToken)
    {
        var publisher = new MqttPublisher(_options, _names, _providerName, _loggerFactory.CreateLogger<MqttPublisher>());
        try
        {
            await publisher.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await publisher.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var previous = Interlocked.Exchange(ref _publisher, publisher);
        if (previous is not null) await previous.DisposeAsync().ConfigureAwait(false);
        return new MqttQueueAdapter(_providerName, _options, _names, _queueMapper, publisher, _serializer, CreateReceiver);
    }

    public IQueueAdapterCache GetQueueAdapterCache() => _cache;

    public IStreamQueueMapper GetStreamQueueMapper() => _queueMapper;

    public Task<IStreamFailureHandler> GetDeliveryFailureHandler(QueueId queueId) => Task.FromResult<IStreamFailureHandler>(new NoOpStreamDeliveryFailureHandler());

    /// <summary>The queues this silo reads right now (their receivers are connected), for diagnostics.</summary>
    internal IReadOnlyList<uint> ConnectedQueues
    {
        get
        {
            var queues = new List<uint>();
            foreach (var receiver in _receivers.Keys)
            {
                if (receiver.IsConnected) queues.Add(receiver.Queue);
            }
            return queues;
        }
    }

    /// <summary>Closes every connection when the silo or client goes (also when it is killed: a crashed process's connections close too).</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var receiver in _receivers.Keys) await receiver.DisposeAsync().ConfigureAwait(false);
        _receivers.Clear();
        var publisher = Interlocked.Exchange(ref _publisher, null);
        if (publisher is not null) await publisher.DisposeAsync().ConfigureAwait(false);
    }

    private MqttQueueReceiver CreateReceiver(QueueId queueId)
    {
        var receiver = new MqttQueueReceiver(_options, _names, _providerName, queueId.GetNumericId(), _serializer, _loggerFactory.CreateLogger<MqttQueueReceiver>());
        foreach (var old in _receivers.Keys)
        {
            if (old.IsShutDown) _receivers.TryRemove(old, out _);
        }

        _receivers.TryAdd(receiver, 0);
        return receiver;
    }
}
