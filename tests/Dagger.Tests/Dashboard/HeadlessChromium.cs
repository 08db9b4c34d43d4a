using Dagger.Orleans.Tests.Servers;
using Dagger.Orleans.Tests.TestSupport;
using Xunit;

namespace Dagger.Orleans.Tests.Dashboard;

/// <summary>Debian's <c>chromium</c>, headless: a page's DOM after its scripts ran (docs/dashboard.png was taken the same way, with --screenshot).</summary>
internal static class HeadlessChromium
{
    /// <summary>The page's DOM once its scripts have had <paramref name="virtualTime"/> of (virtual) time to fetch and draw.</summary>
    public static Task<string> DumpDomAsync(string url, TimeSpan virtualTime) => RunAsync(url, virtualTime, "--dump-dom");

    private static async Task<string> RunAsync(string url, TimeSpan virtualTime, params string[] what)
    {
        var binary = ServerProcess.RequireBinary("chromium", "apt-get install -y chromium");
        var profile = ServerProcess.CreateTempDirectory("dagger-chromium");
        try
        {
            // No sandbox: tests may run as root (CI does), which Chromium's sandbox refuses; the page is our own, on loopback.
            string[] args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--hide-scrollbars",
                $"--user-data-dir={profile}", $"--virtual-time-budget={(int)virtualTime.TotalMilliseconds}", .. what, url];
            var result = await ToolRun.RunAsync(binary, profile, args, TimeSpan.FromSeconds(120));
            Assert.True(result.ExitCode == 0, $"chromium failed with {url}: {result.Output}");
            return result.Stdout;
        }
        finally
        {
            Directory.Delete(profile, recursive: true);
        }
    }
}
