// The allocation and GC-count tests read process-wide counters: nothing else may run beside them.
[assembly: Xunit.CollectionBehavior(DisableTestParallelization = true)]
