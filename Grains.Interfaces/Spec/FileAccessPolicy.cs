using Dagger.Orleans.Operators;

namespace Dagger.Orleans.Spec;

/// <summary>
/// Which files a spec may name in a file argument (<c>iq_file</c>'s <c>path</c>, <c>fir</c>'s <c>taps_file</c>, …):
/// only those under one of the silo's roots. A spec comes from whoever can reach the cluster, and the silo reads with
/// its own rights, so without roots a spec could read any file the silo can (and learn from the errors which exist).
/// A path is resolved the way the operating system would open it — relative paths against the first root, <c>..</c>
/// and every symbolic link followed — and the real path it ends at must lie inside a root; the refusal is the same
/// whether or not the file exists.
/// </summary>
public sealed class FileAccessPolicy
{
    private const int MaxLinkHops = 40;
    private readonly string[] _roots;
    private readonly string _rootsText;

    /// <param name="roots">Directories (absolute, or relative to the current directory); none: every file is refused.</param>
    /// <exception cref="ArgumentException">A root is not an existing directory.</exception>
    public FileAccessPolicy(IEnumerable<string> roots)
    {
        var resolved = new List<string>();
        foreach (var root in roots)
        {
            var real = string.IsNullOrWhiteSpace(root) ? null : RealPath(root, Directory.GetCurrentDirectory());
            if (real is null || !Directory.Exists(real))
                throw new ArgumentException($"file root '{root}' is not an existing directory", nameof(roots));
            resolved.Add(real);
        }
        _roots = [.. resolved];
        _rootsText = _roots.Length == 0 ? "" : string.Join(", ", _roots);
    }

    public IReadOnlyList<string> Roots => _roots;

    /// <summary>The real path <paramref name="path"/> opens, when that lies under a root; null when the spec may not read it.</summary>
    public string? Resolve(string path)
    {
        if (_roots.Length == 0 || string.IsNullOrEmpty(path) || path.Contains('\0')) return null;
        string? real;
        try
        {
            real = RealPath(path, _roots[0]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            // A component that cannot be looked at is treated as outside: the message must not differ by what the silo can see.
            return null;
        }
        return real is not null && _roots.Any(root => IsUnder(real, root)) ? real : null;
    }

    public bool Allows(string path) => Resolve(path) is not null;

    /// <summary>The one message for every refused path: it says where files may be, and nothing about the path's file.</summary>
    public string Refusal(string path) => _roots.Length == 0
        ? $"'{SpecLimits.Quote(path)}' is refused: this cluster lets specs read no files (its silos have no Dagger:Files:Roots)"
        : $"'{SpecLimits.Quote(path)}' is refused: specs may read files only under {_rootsText} (Dagger:Files:Roots)";

    /// <summary>
    /// The spec with each allowed file argument replaced by the real path it resolves to, so the operator opens exactly
    /// the file validation allowed (a link swapped afterwards is not followed again). A refused path is left as it is,
    /// for validation to name; anything else odd in the spec too.
    /// </summary>
    public DagSpec Pin(DagSpec spec, IOperatorCatalog catalog)
    {
        if (spec.Nodes is null) return spec;
        List<NodeSpec>? pinned = null;
        for (var i = 0; i < spec.Nodes.Count; i++)
        {
            var node = spec.Nodes[i];
            if (node?.Op is null || node.ArgsJson is null || !catalog.TryGet(node.Op, out var op) || !op.Args.Any(a => a.IsFile)) continue;
            System.Text.Json.Nodes.JsonObject args;
            try
            {
                args = node.ParseArgs();
            }
            catch (System.Text.Json.JsonException)
            {
                continue;
            }
            var changed = false;
            foreach (var arg in op.Args.Where(a => a.IsFile))
            {
                if (args[arg.Name] is not System.Text.Json.Nodes.JsonValue value || !value.TryGetValue<string>(out var path)) continue;
                if (Resolve(path) is not { } real || real == path) continue;
                args[arg.Name] = real;
                changed = true;
            }
            if (!changed) continue;
            pinned ??= [.. spec.Nodes];
            pinned[i] = node with { ArgsJson = args.ToJsonString() };
        }
        return pinned is null ? spec : spec with { Nodes = pinned };
    }

    private static bool IsUnder(string path, string root)
    {
        if (path == root) return true;
        var prefix = Path.EndsInDirectorySeparator(root) ? root : root + Path.DirectorySeparatorChar;
        return path.StartsWith(prefix, StringComparison.Ordinal);
    }

    /// <summary>
    /// The path the operating system opens for <paramref name="path"/> (relative ones against <paramref name="baseDirectory"/>,
    /// a real path): each component in turn, a link replaced by its target before the next component and <c>..</c> taken
    /// after the link it follows, as the kernel does. Null past <see cref="MaxLinkHops"/> links (a loop).
    /// </summary>
    private static string? RealPath(string path, string baseDirectory)
    {
        var pending = new Stack<string>();
        string current;
        if (Path.IsPathRooted(path))
        {
            current = Path.GetPathRoot(path)!;
            Push(pending, path[current.Length..]);
        }
        else
        {
            current = baseDirectory;
            Push(pending, path);
        }
        var hops = 0;
        while (pending.Count > 0)
        {
            var component = pending.Pop();
            if (component is "" or ".") continue;
            if (component == "..")
            {
                current = Path.GetDirectoryName(current) ?? current;
                continue;
            }
            var next = Path.Join(current, component);
            if (new FileInfo(next).LinkTarget is { } target)
            {
                if (++hops > MaxLinkHops) return null;
                if (Path.IsPathRooted(target))
                {
                    current = Path.GetPathRoot(target)!;
                    target = target[current.Length..];
                }
                Push(pending, target);
                continue;
            }
            current = next;
        }
        return current;
    }

    private static void Push(Stack<string> pending, string relative)
    {
        var components = relative.Split([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar]);
        for (var i = components.Length - 1; i >= 0; i--) pending.Push(components[i]);
    }
}
