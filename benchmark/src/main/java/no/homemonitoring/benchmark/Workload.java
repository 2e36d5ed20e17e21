package no.homemonitoring.benchmark;

/** How much each run asks of a server; the same for every run and for both compared servers. */
record Workload(
    int queries,
    int warmupQueries,
    int queryConcurrency,
    int ingestAtConcurrency1,
    int ingestAtConcurrency8) {}
