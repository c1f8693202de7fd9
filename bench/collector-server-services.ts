/** The services bench/collector's reports are spread over. */
export const BENCH_SERVICES = Array.from({ length: 10 }, (_, i) => `svc${i}`);
