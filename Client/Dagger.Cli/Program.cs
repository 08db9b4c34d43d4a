using System.CommandLine;
using Dagger.Orleans.Cli;

return await DaggerCommandLine.RunAsync(args);
