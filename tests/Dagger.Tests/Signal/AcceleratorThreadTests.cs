using System.Reflection;
using Dagger.Orleans.Gpu;
using Xunit;

namespace Dagger.Orleans.Tests.Signal;

public sealed class AcceleratorThreadTests
{
    [Fact]
    public void An_accelerator_never_disposed_does_not_keep_the_process_alive()
    {
        // The process-wide accelerator lives until the process ends: none of its threads may be a foreground thread.
        using var shared = SharedAccelerator.CreateCpu();
        var threads = new List<Thread>();
        for (var type = shared.Accelerator.GetType(); type is not null; type = type.BaseType)
        {
            foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                if (field.GetValue(shared.Accelerator) is Thread t) threads.Add(t);
                if (field.GetValue(shared.Accelerator) is Thread[] ts) threads.AddRange(ts);
            }
        }
        Assert.NotEmpty(threads);
        Assert.All(threads.Where(t => t.IsAlive), t => Assert.True(t.IsBackground, $"thread '{t.Name}' is a foreground thread"));
    }
}
