using System.Diagnostics;
using Dagger.Orleans.Tests.Servers;
using Xunit;

namespace Dagger.Orleans.Tests.Dashboard;

/// <summary>Debian's <c>chromium</c>, headless: a page's DOM after its scripts ran, or a screenshot of it.</summary>
internal static class HeadlessChromium
{
    /// <summary>The page's DOM once its scripts have had <paramref name="virtualTime"/> of (virtual) time to fetch and draw.</summary>
    public static Task<string> DumpDomAsync(string url, TimeSpan virtualTime) => RunAsync(url, virtualTime, "--dump-dom");

    public static Task<string> ScreenshotAsync(string url, TimeSpan virtualTime, string png, int width = 1400, int height = 900) =>
        RunAsync(url, virtualTime, $"--screenshot={png}", $"--window-size={width},{height}");

    private static async Task<string> RunAsync(string url, TimeSpan virtualTime, params string[] what)
    {
        var binary = ServerProcess.RequireBinary("chromium", "apt-get install -y chromium");
        var profile = ServerProcess.CreateTempDirectory("dagger-chromium");
        try
        {
            var start = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            // No sandbox: tests may run as root (CI does), which Chromium's sandbox refuses; the page is our own, on loopback.
            foreach (var arg in (string[])["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--hide-scrollbars",
                         $"--user-data-dir={profile}", $"--virtual-time-budget={(int)virtualTime.TotalMilliseconds}", .. what, url])
                start.ArgumentList.Add(arg);
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
            try
            {
                await process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"chromium did not finish with {url} within 120 s: {await stderr}");
            }
            Assert.True(process.ExitCode == 0, $"chromium exited {process.ExitCode}: {await stderr}");
            return await stdout;
        }
        finally
        {
            Directory.Delete(profile, recursive: true);
        }
    }
}
