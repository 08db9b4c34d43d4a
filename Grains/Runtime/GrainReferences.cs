using System.Runtime.CompilerServices;

namespace Dagger.Orleans.Runtime;

/// <summary>
/// Grain references by key without Orleans' lookup of the interface per call: <c>GetGrain&lt;T&gt;(key)</c> resolves
/// the grain interface type by reflection (attributes, type-name formatting) every time, which measured as the
/// largest single cost of starting small runs. The grain and interface types are read once per factory from one
/// reference made the ordinary way; later references are built from them and the key alone.
/// </summary>
internal static class GrainReferences
{
    public static INodeGrain GetNodeGrain(this IGrainFactory grains, string dagId, string nodeId) =>
        Resolved<INodeGrain>.For(grains).Get(grains, NodeKey.Of(dagId, nodeId));

    public static IDagGrain GetDagGrain(this IGrainFactory grains, string dagId) => Resolved<IDagGrain>.For(grains).Get(grains, dagId);

    private sealed class Resolved<T>(GrainType grainType, GrainInterfaceType interfaceType) where T : IGrainWithStringKey
    {
        private static readonly ConditionalWeakTable<IGrainFactory, Resolved<T>> ByFactory = [];

        public static Resolved<T> For(IGrainFactory grains) => ByFactory.GetValue(grains, static g =>
        {
            // Any key will do: only the types are kept.
            var probe = (GrainReference)(object)g.GetGrain<T>("type-probe");
            return new Resolved<T>(probe.GrainId.Type, probe.InterfaceType);
        });

        public T Get(IGrainFactory grains, string key)
        {
            // As GetGrain<T> would: a blank key names no grain.
            ArgumentException.ThrowIfNullOrWhiteSpace(key);
            return (T)grains.GetGrain(GrainId.Create(grainType, key), interfaceType);
        }
    }
}
