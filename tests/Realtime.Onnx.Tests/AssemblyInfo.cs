// MultiInputBindingTests reads the process-wide GC count: no other test may allocate beside it.
[assembly: Xunit.CollectionBehavior(DisableTestParallelization = true)]
