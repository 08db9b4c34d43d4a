using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Dagger.Orleans.Runtime;

/// <summary>Where the ring of an shm edge lives: one file per run and edge, named so that producer and consumer find it alone.</summary>
internal static partial class ShmPaths
{
    public const string Extension = ".ring";

    /// <summary>
    /// <c>{directory}/{run}+{from}+{to}+{port}.ring</c>: node ids cannot hold a '+', so no two edges share a name; a run
    /// id that is not a plain name is hashed.
    /// </summary>
    public static string For(string directory, string dagId, string fromNode, string toNode, int port) =>
        Path.Combine(directory, $"{SafeRunName(dagId)}+{fromNode}+{toNode}+{port}{Extension}");

    private static string SafeRunName(string dagId) =>
        PlainName().IsMatch(dagId) ? dagId : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(dagId)))[..32];

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,80}$")]
    private static partial Regex PlainName();
}
