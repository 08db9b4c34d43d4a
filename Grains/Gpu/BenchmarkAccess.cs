using System.Runtime.CompilerServices;

// `dagger bench` (Client/Dagger.Bench) times the kernels on their own, next to the same kernels inside a DAG.
[assembly: InternalsVisibleTo("Dagger.Orleans.Bench")]
