// The allocation and GC-count tests read process-wide counters, and the real pipeline runs share the cores: nothing runs beside them.
[assembly: Xunit.CollectionBehavior(DisableTestParallelization = true)]
