using System.Diagnostics;
using System.Text;
using Dagger.Orleans.Spec;
using Dagger.Orleans.Tests.TestSupport;
using Xunit;
using Xunit.Abstractions;
using static Dagger.Orleans.Tests.Spec.SpecTestSupport;

namespace Dagger.Orleans.Tests.Spec;

/// <summary>
/// Seeded mutations of valid specs (the examples) through the reader and validator in-process, as a hostile or careless
/// user would write them: each must validate or come back with named problems; none may throw or take over a second.
/// </summary>
public class SpecFuzzTests(ITestOutputHelper output)
{
    private const int Mutations = 4000;
    private const int Seed = 18_2026;

    /// <summary>Values that have broken validators before: overflowing numbers, huge strings, odd paths, deep nesting.</summary>
    private static readonly string[] Nasty =
    [
        "2147483647", "2147483648", "-2147483649", "9223372036854775808", "1e400", "-1e400", "1e-400", "0.5", "-0", "NaN", "Infinity",
        "null", "true", "[]", "{}", "\"\"", "\"../../../../etc/passwd\"", "\"/etc/shadow\"", "\"\\u0000\"", "\"\\ud800\"",
        "\"" + new string('a', 70_000) + "\"", string.Concat(Enumerable.Repeat("[", 200)) + string.Concat(Enumerable.Repeat("]", 200)),
        "{\"a\":1,\"a\":2}", "[1,]", "{\"x\":1,}", "\"range\"", "\"collect\"", "\"merge\"", "\"nats\"", "\"gpu\"",
    ];

    private static readonly string[] Seeds = LoadSeeds();

    private static string[] LoadSeeds()
    {
        var examples = Path.GetDirectoryName(CliRepoRoot.File(Path.Combine("examples", "quickstart.json")))!;
        return Directory.GetFiles(examples, "*.json").Order(StringComparer.Ordinal).Select(File.ReadAllText).ToArray();
    }

    [Fact]
    public void Thousands_of_mutated_specs_each_validate_or_name_a_problem_without_throwing_or_taking_a_second()
    {
        Assert.NotEmpty(Seeds);
        var random = new Random(Seed);
        var files = new FileAccessPolicy([Path.GetTempPath()]);
        var valid = 0;
        var invalid = 0;
        var slowest = TimeSpan.Zero;
        var failures = new List<string>();
        for (var i = 0; i < Mutations; i++)
        {
            var text = Mutate(Seeds[random.Next(Seeds.Length)], random);
            var watch = Stopwatch.StartNew();
            try
            {
                var problems = DagValidator.ReadAndValidate(text, Catalog, MemoryOnly, out _, files: files);
                if (problems.Count == 0) valid++;
                else invalid++;
                if (problems.Any(string.IsNullOrWhiteSpace)) failures.Add($"mutation {i}: an empty problem");
                if (problems.FirstOrDefault(p => p.Length > 1000) is { } longOne) failures.Add($"mutation {i}: a problem of {longOne.Length} characters: {longOne[..200]}");
            }
            catch (Exception e)
            {
                failures.Add($"mutation {i} threw {e.GetType().Name}: {e.Message}\n  input: {Excerpt(text)}\n{e.StackTrace}");
            }
            watch.Stop();
            if (watch.Elapsed > slowest) slowest = watch.Elapsed;
            if (watch.Elapsed > TimeSpan.FromSeconds(1)) failures.Add($"mutation {i} took {watch.Elapsed.TotalSeconds:F2} s: {Excerpt(text)}");
        }
        output.WriteLine($"{Mutations} mutations (seed {Seed}): {valid} valid, {invalid} with problems, slowest {slowest.TotalMilliseconds:F1} ms");
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(10)));
        // The mutations must reach both outcomes, or they test less than they seem to.
        Assert.True(valid > 0 && invalid > Mutations / 2, $"{valid} valid, {invalid} invalid");
    }

    /// <summary>One to three edits: JSON-aware (swap a value for a nasty one, duplicate or drop a member) and byte-level.</summary>
    private static string Mutate(string spec, Random random)
    {
        var text = spec;
        var edits = random.Next(1, 4);
        for (var e = 0; e < edits; e++)
        {
            text = random.Next(9) switch
            {
                0 => ReplaceValue(text, random),
                1 => ReplaceValue(text, random),
                2 => DeleteSpan(text, random),
                3 => InsertChar(text, random),
                4 => DuplicateSpan(text, random),
                5 => InsertTrailingComma(text, random),
                6 => RenameKey(text, random),
                7 => Truncate(text, random),
                _ => RepeatNodes(text, random),
            };
        }
        return text;
    }

    /// <summary>The value after a random ':' becomes a nasty one.</summary>
    private static string ReplaceValue(string text, Random random)
    {
        var colon = NthIndexOf(text, ':', random);
        if (colon < 0) return text;
        var end = colon + 1;
        while (end < text.Length && text[end] is ' ') end++;
        var valueEnd = end;
        if (valueEnd < text.Length && text[valueEnd] == '"')
        {
            valueEnd++;
            while (valueEnd < text.Length && text[valueEnd] != '"') valueEnd++;
            valueEnd = Math.Min(text.Length, valueEnd + 1);
        }
        else
        {
            while (valueEnd < text.Length && text[valueEnd] is not (',' or '}' or ']' or '\n')) valueEnd++;
        }
        return text[..(colon + 1)] + " " + Nasty[random.Next(Nasty.Length)] + text[valueEnd..];
    }

    private static string DeleteSpan(string text, Random random)
    {
        if (text.Length < 2) return text;
        var start = random.Next(text.Length);
        var length = Math.Min(text.Length - start, random.Next(1, 40));
        return text.Remove(start, length);
    }

    private static string InsertChar(string text, Random random)
    {
        const string alphabet = "{}[],:\"\\0123456789-.eE/ tnfax\u00e9\u0000";
        return text.Insert(random.Next(text.Length + 1), alphabet[random.Next(alphabet.Length)].ToString());
    }

    private static string DuplicateSpan(string text, Random random)
    {
        var start = random.Next(text.Length);
        var length = Math.Min(text.Length - start, random.Next(1, 120));
        return text.Insert(start, text.Substring(start, length));
    }

    private static string InsertTrailingComma(string text, Random random)
    {
        var close = NthIndexOfAny(text, ['}', ']'], random);
        return close < 0 ? text : text.Insert(close, ",");
    }

    /// <summary>A key swapped for another that exists elsewhere (making duplicates and misplaced fields), or a very long one.</summary>
    private static string RenameKey(string text, Random random)
    {
        string[] keys = ["id", "op", "args", "from", "to", "port", "transport", "batch", "count", "path", "taps_file", "max_evals", "device", "nodes", "edges", new string('k', 100_000)];
        var quote = NthIndexOf(text, '"', random);
        if (quote < 0) return text;
        var end = text.IndexOf('"', quote + 1);
        return end < 0 ? text : text[..(quote + 1)] + keys[random.Next(keys.Length)] + text[end..];
    }

    private static string Truncate(string text, Random random) => text[..random.Next(text.Length + 1)];

    /// <summary>Many copies of the first node: large specs, duplicate ids, fan counts.</summary>
    private static string RepeatNodes(string text, Random random)
    {
        var start = text.IndexOf("{ \"id\"", StringComparison.Ordinal);
        if (start < 0) start = text.IndexOf("{\"id\"", StringComparison.Ordinal);
        if (start < 0) return text;
        var end = text.IndexOf('}', start);
        if (end < 0) return text;
        var node = text[start..(end + 1)];
        var copies = new StringBuilder();
        var n = random.Next(2, 3000);
        for (var i = 0; i < n; i++) copies.Append(node.Replace("\"id\": \"", $"\"id\": \"n{i}")).Append(", ");
        return text.Insert(start, copies.ToString());
    }

    private static int NthIndexOf(string text, char c, Random random) => NthIndexOfAny(text, [c], random);

    private static int NthIndexOfAny(string text, char[] chars, Random random)
    {
        var count = 0;
        foreach (var ch in text) if (Array.IndexOf(chars, ch) >= 0) count++;
        if (count == 0) return -1;
        var target = random.Next(count);
        for (var i = 0; i < text.Length; i++)
        {
            if (Array.IndexOf(chars, text[i]) < 0) continue;
            if (target-- == 0) return i;
        }
        return -1;
    }

    private static string Excerpt(string text) => text.Length <= 300 ? text : text[..300] + $"… ({text.Length} characters)";
}
