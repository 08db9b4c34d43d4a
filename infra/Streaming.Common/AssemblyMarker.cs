namespace Dagger.Orleans.Streaming;

/// <summary>Placeholder so the project builds before its provider code lands; remove once the provider has classes.</summary>
internal static class AssemblyMarker;
