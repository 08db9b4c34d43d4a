using Dagger.Orleans.Gpu;
using Dagger.Orleans.Runtime;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dagger.Orleans.Hosting;

/// <summary>
/// Says at start-up what the silo told the cluster it computes on, and why GPU detection failed if it did; refuses
/// an accelerator setting made where <c>AddDagger</c> could not see it (the published metadata would contradict it).
/// </summary>
internal sealed partial class AcceleratorStartup(AcceleratorChoice choice, IOptions<DaggerOptions> options, ILogger<AcceleratorStartup> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.Accelerator != choice.Setting)
        {
            throw new InvalidOperationException(
                $"DaggerOptions.Accelerator is '{options.Value.Accelerator}' but the silo was built as '{choice.Setting}': set it in the delegate given to AddDagger, which settles the silo's metadata");
        }
        if (choice.DetectionFailure is { } failure) LogDetectionFailed(logger, failure, choice.Accelerator.Describe());
        LogAccelerator(logger, choice.Accelerator.Describe(), choice.Setting);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Silo accelerator: {Accelerator} (setting '{Setting}')")]
    private static partial void LogAccelerator(ILogger logger, string accelerator, string setting);

    [LoggerMessage(Level = LogLevel.Warning, Message = "GPU detection failed; the silo goes on as {Accelerator}")]
    private static partial void LogDetectionFailed(ILogger logger, Exception exception, string accelerator);
}
