using System.CommandLine;
using System.Text.RegularExpressions;
using Dagger.Orleans.Operators;
using Dagger.Orleans.Operators.Net;
using Dagger.Orleans.Spec;

namespace Dagger.Orleans.Cli;

/// <summary>Reading a spec file and reporting its problems the way every command does.</summary>
internal static partial class SpecFiles
{
    /// <summary>
    /// Reads and validates; prints every problem on stderr and returns null when there is any. Without a catalog
    /// only the file's shape is checked: a cluster validates operators and transports itself.
    /// </summary>
    public static DagSpec? Load(string path, IOperatorCatalog? catalog, IReadOnlyCollection<string> transports)
    {
        if (ReadText(path) is not { } text) return null;
        if (text.Problem is { } tooBig)
        {
            Report(path, [tooBig]);
            return null;
        }
        var json = text.Json!;
        List<string> problems;
        DagSpec spec;
        if (catalog is null)
        {
            problems = [];
            spec = DagSpecReader.Read(json, problems);
        }
        else
        {
            problems = DagValidator.ReadAndValidate(json, catalog, transports, out spec);
            if (ReferenceEquals(transports, EmbeddedTransports)) problems = problems.Select(ForEmbedded).ToList();
            // The embedded silo's Dagger:Net:Allow is loopback: validate and run agree on network operators too.
            if (problems.Count == 0 && ReferenceEquals(transports, EmbeddedTransports) && catalog is OperatorCatalog local)
                problems = NetAllowList.Loopback.Check(spec, local);
        }
        if (problems.Count == 0) return spec;
        Report(path, problems);
        return null;
    }

    /// <summary>The spec as read (its shape checked, with the problems found), or null when the file cannot be read.</summary>
    public static (DagSpec Spec, List<string> Problems)? Read(string path)
    {
        if (ReadText(path) is not { } text) return null;
        if (text.Problem is { } tooBig) return (new DagSpec(), [tooBig]);
        var problems = new List<string>();
        return (DagSpecReader.Read(text.Json!, problems), problems);
    }

    /// <summary>
    /// The file's text, or the problem that it is bigger than a spec may be (checked on its length, before reading it:
    /// a spec path pointing at a huge file must not take the CLI's memory); null, after saying why on stderr, when it
    /// cannot be read.
    /// </summary>
    private static (string? Json, string? Problem)? ReadText(string path)
    {
        try
        {
            var length = new FileInfo(path).Length;
            if (length > SpecLimits.Default.MaxSpecBytes)
                return (null, $"spec: {length} bytes is more than the limit of {SpecLimits.Default.MaxSpecBytes} bytes (MaxSpecBytes)");
            return (File.ReadAllText(path), null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"dagger: cannot read spec '{path}': {e.Message}");
            return null;
        }
    }

    /// <summary>Every problem on stderr, one a line, under a line naming the file and how many there are.</summary>
    public static void Report(string path, IReadOnlyList<string> problems)
    {
        Console.Error.WriteLine($"{path}: {problems.Count} problem{(problems.Count == 1 ? "" : "s")}:");
        foreach (var problem in problems) Console.Error.WriteLine($"  {problem}");
    }

    [GeneratedRegex(@"transport '(?<t>[a-z]+)' is not configured on this cluster \(configured: [^)]*\)")]
    private static partial Regex NotConfigured();

    /// <summary>
    /// The embedded silo has memory edges only: a broker edge needs a cluster that has the broker, and the message says
    /// so rather than calling the embedded silo "this cluster".
    /// </summary>
    private static string ForEmbedded(string problem) => NotConfigured().Replace(problem, m =>
        $"transport '{m.Groups["t"].Value}' is not configured on the embedded silo, which carries memory edges only: it needs a cluster with {BrokerName(m.Groups["t"].Value)} (--cluster FILE)");

    private static string BrokerName(string transport) => transport switch
    {
        Transports.Nats => "NATS",
        Transports.Mqtt => "MQTT",
        Transports.SharedMemory => "shared-memory edges",
        _ => transport,
    };

    /// <summary>The operators this program knows without starting a silo: the built-in ones and those of <c>--operators</c> assemblies.</summary>
    public static OperatorCatalog LocalCatalog(IReadOnlyList<string>? operatorAssemblies = null) =>
        new([typeof(OperatorCatalog).Assembly, .. (operatorAssemblies ?? []).Select(OperatorAssemblies.Load)]);

    /// <summary><c>--operators DLL</c>: an assembly of user operators (repeatable).</summary>
    public static Option<string[]> OperatorsOption() => new("--operators")
    {
        Description = "an assembly (.dll) of user operators to load (repeatable)",
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary>The catalog for a command, or null (after saying why on stderr) when an operator assembly cannot be loaded.</summary>
    public static OperatorCatalog? TryLocalCatalog(IReadOnlyList<string>? operatorAssemblies)
    {
        try
        {
            return LocalCatalog(operatorAssemblies);
        }
        catch (Exception e) when (e is FileNotFoundException or BadImageFormatException or FileLoadException or InvalidOperationException)
        {
            Console.Error.WriteLine($"dagger: --operators: {e.Message}");
            return null;
        }
    }

    /// <summary>Every transport name: <c>graph</c> checks a spec's shape, not a particular cluster.</summary>
    public static readonly IReadOnlyCollection<string> AnyTransport = Transports.All;

    public static readonly IReadOnlyCollection<string> EmbeddedTransports = [Transports.Memory, Transports.SharedMemory];
}
