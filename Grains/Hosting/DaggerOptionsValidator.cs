using Dagger.Orleans.Runtime;
using Microsoft.Extensions.Options;

namespace Dagger.Orleans.Hosting;

/// <summary>
/// Checks <see cref="DaggerOptions"/> when the silo starts (ValidateOnStart): a bad limit, a file root that is no
/// directory or a negative period stops the start with a message naming the setting, instead of refusing every spec later.
/// </summary>
internal sealed class DaggerOptionsValidator : IValidateOptions<DaggerOptions>
{
    public ValidateOptionsResult Validate(string? name, DaggerOptions options)
    {
        var problems = new List<string>();
        if (options.Limits is null) problems.Add("DaggerOptions.Limits must be set");
        else problems.AddRange(options.Limits.Problems("DaggerOptions.Limits."));
        if (options.Window <= 0) problems.Add($"DaggerOptions.Window must be positive (got {options.Window})");
        if (options.WindowBytes <= 0) problems.Add($"DaggerOptions.WindowBytes must be positive (got {options.WindowBytes})");
        if (options.MaxResultBytes <= 0) problems.Add($"DaggerOptions.MaxResultBytes must be positive (got {options.MaxResultBytes})");
        if (options.InlineResultBytes < 0 || options.InlineResultBytes > options.ResultChunkBytes)
            problems.Add($"DaggerOptions.InlineResultBytes must be between 0 and ResultChunkBytes ({options.ResultChunkBytes}) (got {options.InlineResultBytes})");
        // A chunk travels in one grain message: well under Orleans' 100 MB message limit.
        if (options.ResultChunkBytes is < 4096 or > 64 << 20) problems.Add($"DaggerOptions.ResultChunkBytes must be between 4096 and {64 << 20} (got {options.ResultChunkBytes})");
        if (options.ResultsDirectory is { } results && !Directory.Exists(results))
            problems.Add($"DaggerOptions.ResultsDirectory '{results}' is not an existing directory");
        if (options.StallAfter < TimeSpan.Zero) problems.Add($"DaggerOptions.StallAfter must be zero (off) or positive (got {options.StallAfter})");
        if (!options.Files.Unrestricted)
        {
            for (var i = 0; i < options.Files.Roots.Count; i++)
            {
                var root = options.Files.Roots[i];
                if (string.IsNullOrWhiteSpace(root) || !Directory.Exists(root))
                    problems.Add($"DaggerOptions.Files.Roots[{i}] (Dagger:Files:Roots:{i}) '{root}' is not an existing directory");
            }
        }
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
