/**
 * Stands in for `@aws-sdk/endpoint-cache` in the Lambda bundles (lib/bundling.ts). The DynamoDB
 * client builds one endpoint cache for endpoint discovery, which no DynamoDB command of this
 * SDK uses, and the real one brings a 7 KB LRU library with it. Same interface, on a Map kept
 * to `capacity` entries (the oldest goes first).
 */
interface Endpoint {
  Address: string;
  CachePeriodInMinutes: number;
}

export class EndpointCache {
  private readonly cache = new Map<string, { Address: string; Expires: number }[]>();

  constructor(private readonly capacity: number) {}

  getEndpoint(key: string): string | undefined {
    const endpoints = this.get(key);
    if (!endpoints || endpoints.length === 0) return undefined;
    return endpoints[Math.floor(Math.random() * endpoints.length)]?.Address;
  }

  get(key: string) {
    const live = (this.cache.get(key) ?? []).filter((endpoint) => Date.now() < endpoint.Expires);
    if (live.length === 0) {
      this.cache.delete(key);
      return undefined;
    }
    return live;
  }

  set(key: string, endpoints: Endpoint[]): void {
    this.cache.delete(key);
    this.cache.set(
      key,
      endpoints.map(({ Address, CachePeriodInMinutes }) => ({
        Address,
        Expires: Date.now() + CachePeriodInMinutes * 60_000,
      })),
    );
    const oldest = this.cache.keys().next();
    if (this.cache.size > this.capacity && !oldest.done) this.cache.delete(oldest.value);
  }

  delete(key: string): void {
    this.cache.delete(key);
  }

  has(key: string): boolean {
    return (this.get(key)?.length ?? 0) > 0;
  }

  clear(): void {
    this.cache.clear();
  }
}
