using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Providers.Streams.Common;
using Orleans.Serialization;
using Orleans.Streams;

namespace Dagger.Orleans.Streaming.Nats;

/// <summary>
/// Builds the provider's parts: the adapter (connected at start-up, inside the stream provider's lifecycle stage, so a
/// bad server or credential fails the silo or client start), Orleans' <see cref="SimpleQueueAdapterCache"/> and a
/// <see cref="HashRingBasedStreamQueueMapper"/> over <see cref="NatsStreamOptions.QueueCount"/> queues.
/// </summary>
internal sealed class NatsAdapterFactory : IQueueAdapterFactory, IAsyncDisposable
{
    private readonly string _name;
    private readonly NatsStreamOptions _options;
    private readonly Serializer _serializer;
    private readonly ILoggerFactory _loggerFactory;
    private readonly TimeProvider _time;
    private readonly HashRingBasedStreamQueueMapper _queueMapper;
    private readonly SimpleQueueAdapterCache _cache;
    private NatsJetStreamConnection? _connection;

    public NatsAdapterFactory(string name, NatsStreamOptions options, SimpleQueueCacheOptions cacheOptions, Serializer serializer, ILoggerFactory loggerFactory,
        TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        _name = name;
        _options = options;
        _serializer = serializer;
        _loggerFactory = loggerFactory;
        _queueMapper = new HashRingBasedStreamQueueMapper(new HashRingStreamQueueMapperOptions { TotalQueueCount = options.QueueCount }, name);
        _cache = new SimpleQueueAdapterCache(cacheOptions, name, loggerFactory);
    }

    public static NatsAdapterFactory Create(IServiceProvider services, string name) => new(
        name,
        services.GetRequiredService<IOptionsMonitor<NatsStreamOptions>>().Get(name),
        services.GetRequiredService<IOptionsMonitor<SimpleQueueCacheOptions>>().Get(name),
        services.GetRequiredService<Serializer>(),
        services.GetRequiredService<ILoggerFactory>(),
        services.GetService<TimeProvider>());

    [Obsolete("Orleans calls the overload with a CancellationToken.")]
    public Task<IQueueAdapter> CreateAdapter() => CreateAdapter(CancellationToken.None);

    public async Task<IQueueAdapter> CreateAdapter(CancellationToken cancellationToken)
    {
        _connection ??= await NatsJetStreamConnection.OpenAsync(_name, _options, _loggerFactory, _time, cancellationToken);
        return new NatsQueueAdapter(_connection, _queueMapper, _options, _serializer, _loggerFactory);
    }

    public IQueueAdapterCache GetQueueAdapterCache() => _cache;

    public IStreamQueueMapper GetStreamQueueMapper() => _queueMapper;

    public Task<IStreamFailureHandler> GetDeliveryFailureHandler(QueueId queueId) => Task.FromResult<IStreamFailureHandler>(new NoOpStreamDeliveryFailureHandler());

    public async ValueTask DisposeAsync()
    {
        if (_connection is { } connection)
        {
            _connection = null;
            await connection.DisposeAsync();
        }
    }
}
