// The timing tests measure wall-clock gaps on a 2-core machine: run the classes one after another, not in parallel.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
