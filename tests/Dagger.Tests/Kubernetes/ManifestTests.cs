using k8s;
using k8s.Models;
using Xunit;

namespace Dagger.Orleans.Tests.Kubernetes;

/// <summary>
/// The manifests under infra/k8s as <c>kubectl apply -k</c> would send them: rendered by kustomize, then validated
/// against the Kubernetes API's models, and checked for what the silo needs from them.
/// </summary>
public sealed class ManifestTests
{
    public static TheoryData<string> Overlays() => [.. Kustomize.Overlays];

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task Every_rendered_document_is_a_valid_kubernetes_object(string overlay)
    {
        var yaml = await Kustomize.RenderAsync(overlay);

        var objects = Kustomize.LoadStrict(yaml);

        Assert.NotEmpty(objects);
        Assert.All(objects, o => Assert.False(string.IsNullOrEmpty(((IKubernetesObject<V1ObjectMeta>)o).Metadata.Name)));
        // Everything lands in the dagger namespace (but the namespace itself).
        Assert.All(objects.OfType<IKubernetesObject<V1ObjectMeta>>().Where(o => o is not V1Namespace), o => Assert.Equal("dagger", o.Metadata.NamespaceProperty));
    }

    [Fact]
    public void The_validation_refuses_an_unknown_field_and_a_value_of_the_wrong_type()
    {
        const string good = "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  ports:\n    - port: 80\n";
        Assert.Single(Kustomize.LoadStrict(good));
        Assert.ThrowsAny<Exception>(() => Kustomize.LoadStrict(good.Replace("    - port: 80", "    - port: 80\n      portz: 81", StringComparison.Ordinal)));
        Assert.ThrowsAny<Exception>(() => Kustomize.LoadStrict(good.Replace("port: 80", "port: eighty", StringComparison.Ordinal)));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task Each_silo_deployment_runs_the_kubernetes_profile_with_its_pod_identity_probes_and_time_to_drain(string overlay)
    {
        var objects = Kustomize.LoadStrict(await Kustomize.RenderAsync(overlay));
        var silos = objects.OfType<V1Deployment>().Where(d => d.Spec.Template.Metadata.Labels.TryGetValue("app.kubernetes.io/component", out var c) && c == "silo").ToList();

        Assert.NotEmpty(silos);
        foreach (var silo in silos)
        {
            var pod = silo.Spec.Template.Spec;
            var container = Assert.Single(pod.Containers);
            Assert.Equal(["--profile", "kubernetes"], container.Args);
            Assert.Equal("dagger-silo", pod.ServiceAccountName);
            // The downward API gives the silo its identity.
            Assert.Equal("metadata.name", Env(container, "POD_NAME").ValueFrom.FieldRef.FieldPath);
            Assert.Equal("metadata.namespace", Env(container, "POD_NAMESPACE").ValueFrom.FieldRef.FieldPath);
            Assert.Equal("status.podIP", Env(container, "POD_IP").ValueFrom.FieldRef.FieldPath);
            // Probes on the health port the kubernetes profile opens (Silo/appsettings.kubernetes.json: Dagger:Health:Port 8081).
            Assert.Equal("/healthz/ready", container.ReadinessProbe.HttpGet.Path);
            Assert.Equal("/healthz/live", container.LivenessProbe.HttpGet.Path);
            var health = Assert.Single(container.Ports, p => p.Name == container.ReadinessProbe.HttpGet.Port.Value);
            Assert.Equal(8081, health.ContainerPort);
            Assert.Contains(container.Ports, p => p is { Name: "gateway", ContainerPort: 30000 });
            Assert.Contains(container.Ports, p => p is { Name: "metrics", ContainerPort: 9464 });
            // The host's 30 s shutdown timeout (SiloDrain moving nodes away included) fits in the grace period.
            Assert.True(pod.TerminationGracePeriodSeconds >= 45, $"{silo.Metadata.Name}: terminationGracePeriodSeconds {pod.TerminationGracePeriodSeconds}");
            // Mutual TLS material, when the Secret exists.
            var tls = Assert.Single(pod.Volumes, v => v.Secret?.SecretName == "dagger-tls");
            Assert.True(tls.Secret.Optional);
            Assert.Contains(container.VolumeMounts, m => m.Name == tls.Name && m.MountPath == "/etc/dagger/tls" && m.ReadOnlyProperty == true);
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task Every_service_selects_pods_that_exist_and_every_config_the_pods_name_is_rendered(string overlay)
    {
        var objects = Kustomize.LoadStrict(await Kustomize.RenderAsync(overlay));
        var podLabels = objects.Select(PodTemplateLabels).OfType<IDictionary<string, string>>().ToList();

        foreach (var service in objects.OfType<V1Service>())
        {
            Assert.True(podLabels.Any(labels => service.Spec.Selector.All(s => labels.TryGetValue(s.Key, out var v) && v == s.Value)),
                $"Service {service.Metadata.Name} selects no pod: {string.Join(", ", service.Spec.Selector.Select(s => $"{s.Key}={s.Value}"))}");
        }
        var configMaps = objects.OfType<V1ConfigMap>().Select(c => c.Metadata.Name).ToHashSet();
        var secrets = objects.OfType<V1Secret>().Select(s => s.Metadata.Name).ToHashSet();
        foreach (var deployment in objects.OfType<V1Deployment>())
        {
            foreach (var container in deployment.Spec.Template.Spec.Containers)
            {
                foreach (var from in container.EnvFrom ?? []) Assert.Contains(from.ConfigMapRef.Name, configMaps);
                // The storage Secret is the user's in production (base alone); a local cluster renders Azurite's.
                if (overlay != "base")
                {
                    foreach (var env in container.Env?.Where(e => e.ValueFrom?.SecretKeyRef is not null) ?? []) Assert.Contains(env.ValueFrom.SecretKeyRef.Name, secrets);
                }
            }
        }
    }

    [Fact]
    public async Task The_gpu_variant_asks_for_an_nvidia_gpu_on_a_gpu_node_and_says_so_to_the_cluster()
    {
        var objects = Kustomize.LoadStrict(await Kustomize.RenderAsync("gpu"));

        var gpu = Assert.Single(objects.OfType<V1Deployment>(), d => d.Metadata.Name == "dagger-silo-gpu");
        var pod = gpu.Spec.Template.Spec;
        var container = Assert.Single(pod.Containers);
        Assert.Equal("true", pod.NodeSelector["nvidia.com/gpu.present"]);
        Assert.Equal(new ResourceQuantity("1"), container.Resources.Limits["nvidia.com/gpu"]);
        Assert.Equal("gpu", Env(container, "Dagger__Silo__Accelerator").Value);
        Assert.Contains(pod.Tolerations, t => t.Key == "nvidia.com/gpu");
        // The CPU silos stay as they are.
        Assert.Contains(objects.OfType<V1Deployment>(), d => d.Metadata.Name == "dagger-silo" && d.Spec.Template.Spec.NodeSelector is null);
    }

    [Fact]
    public async Task The_local_cluster_has_azurite_nats_with_jetstream_on_a_volume_and_mosquitto_and_points_the_silos_at_them()
    {
        var objects = Kustomize.LoadStrict(await Kustomize.RenderAsync("local"));

        Assert.Contains(objects.OfType<V1Deployment>(), d => d.Metadata.Name == "azurite");
        Assert.Contains(objects.OfType<V1Deployment>(), d => d.Metadata.Name == "mosquitto");
        var nats = Assert.Single(objects.OfType<V1StatefulSet>(), s => s.Metadata.Name == "nats");
        Assert.Contains("-js", nats.Spec.Template.Spec.Containers[0].Args);
        Assert.Contains(nats.Spec.VolumeClaimTemplates, v => v.Metadata.Name == "data");
        var settings = Assert.Single(objects.OfType<V1ConfigMap>(), c => c.Metadata.Name.StartsWith("dagger-silo", StringComparison.Ordinal)).Data;
        Assert.Equal("nats://nats:4222", settings["Dagger__Nats__Url"]);
        Assert.Equal("mosquitto", settings["Dagger__Mqtt__Server"]);
        Assert.Equal("dagger", settings["Dagger__Silo__ClusterId"]);
        var role = Assert.Single(objects.OfType<V1Role>());
        Assert.Contains(role.Rules, r => r.Resources.Contains("pods") && new[] { "get", "list", "watch", "patch" }.All(r.Verbs.Contains));
    }

    private static V1EnvVar Env(V1Container container, string name) =>
        Assert.Single(container.Env, e => e.Name == name);

    private static IDictionary<string, string>? PodTemplateLabels(object o) => o switch
    {
        V1Deployment d => d.Spec.Template.Metadata.Labels,
        V1StatefulSet s => s.Spec.Template.Metadata.Labels,
        _ => null,
    };
}
