using Dagger.Orleans.Tests.TestSupport;
using k8s;
using Xunit;

namespace Dagger.Orleans.Tests.Kubernetes;

/// <summary>Renders a kustomization under infra/k8s with <c>kubectl kustomize</c> (offline) and loads it strictly.</summary>
internal static class Kustomize
{
    /// <summary>Every kustomization a user applies: the silos alone, the local cluster, the local cluster with GPU silos.</summary>
    public static readonly string[] Overlays = ["base", "local", "gpu"];

    public static async Task<string> RenderAsync(string overlay)
    {
        var result = await ToolRun.RunAsync(FindKubectl(), CliRepoRoot.Path, ["kustomize", CliRepoRoot.File($"infra/k8s/{overlay}")], TimeSpan.FromSeconds(60));
        Assert.True(result.ExitCode == 0, $"kubectl kustomize infra/k8s/{overlay} failed: {result.Output}");
        return result.Stdout;
    }

    /// <summary>
    /// Every document as its Kubernetes model type, strictly: a field the API does not know or a value of the wrong type
    /// throws (KubernetesClient's YAML reader, with the API's own models).
    /// </summary>
    public static List<object> LoadStrict(string yaml) => KubernetesYaml.LoadAllFromString(yaml, typeMap: null, strict: true);

    private static string FindKubectl()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            var candidate = Path.Combine(dir, "kubectl");
            if (dir.Length > 0 && File.Exists(candidate)) return candidate;
        }
        Assert.Fail("kubectl is not installed: the Kubernetes manifests are rendered with `kubectl kustomize`. Install it: apt-get install -y kubernetes-client (./test.sh does)");
        return "";
    }
}
