using System.Reflection;

namespace Dagger.Orleans.Operators;

/// <summary>Loading assemblies of user operators by path (silo configuration, <c>dagger --operators</c>).</summary>
public static class OperatorAssemblies
{
    public static Assembly Load(string path)
    {
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
            throw new FileNotFoundException($"operator assembly '{path}' does not exist (looked at {full})", full);
        try
        {
            return Assembly.LoadFrom(full);
        }
        catch (BadImageFormatException e)
        {
            // The runtime's own message ("Bad IL format") names neither the setting nor what the file should be.
            throw new BadImageFormatException($"operator assembly '{path}' is not a .NET assembly (looked at {full})", full, e);
        }
    }
}
