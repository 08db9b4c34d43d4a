namespace Dagger.Orleans.Tests.Cli;

/// <summary>Spec texts the command line tests run, besides the examples of the repository.</summary>
internal static class CliSpecs
{
    /// <summary>An endless source into a counter: runs until cancelled.</summary>
    public const string Endless = """
        { "name": "endless",
          "nodes": [ { "id": "src", "op": "range" }, { "id": "out", "op": "count" } ],
          "edges": [ { "from": "src", "to": "out" } ] }
        """;

    /// <summary>
    /// The slow endless DAG of issue 13: every batch waits 5 ms per element in <c>sleep</c>, so draining what its
    /// inboxes hold takes minutes: a graceful cancel ends only because its grace period runs out.
    /// </summary>
    public const string SlowEndless = """
        { "name": "slow-endless",
          "nodes": [ { "id": "src", "op": "range" }, { "id": "slow", "op": "sleep", "args": { "ms": 5 } }, { "id": "out", "op": "count" } ],
          "edges": [ { "from": "src", "to": "slow" }, { "from": "slow", "to": "out" } ] }
        """;

    /// <summary>
    /// Valid, but fails at run time: <c>sum</c> adds vectors component-wise and refuses vectors of another width
    /// than the first it saw, and the merge hands it widths 4 and 8.
    /// </summary>
    public const string FailsAtRunTime = """
        { "name": "mixed-widths",
          "nodes": [
            { "id": "narrow", "op": "range", "args": { "count": 3, "type": "vector", "width": 4 } },
            { "id": "wide",   "op": "range", "args": { "count": 3, "type": "vector", "width": 8 } },
            { "id": "both",   "op": "merge" },
            { "id": "total",  "op": "sum" }
          ],
          "edges": [
            { "from": "narrow", "to": "both", "port": 0 },
            { "from": "wide",   "to": "both", "port": 1 },
            { "from": "both",   "to": "total" }
          ] }
        """;

    /// <summary>Three problems: an unknown operator, a missing required argument and an unconfigured transport.</summary>
    public const string ThreeProblems = """
        { "nodes": [ { "id": "src", "op": "rnage" }, { "id": "a", "op": "scale" }, { "id": "out", "op": "collect" } ],
          "edges": [ { "from": "src", "to": "a" }, { "from": "a", "to": "out", "transport": "pigeon" } ] }
        """;
}
