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
        return Assembly.LoadFrom(full);
    }
}
