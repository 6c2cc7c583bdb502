// Several instances of our provider on one database, driven as one server: each scenario's request is
// the first instance's, sent to every instance's URL. Autocannon opens its connection i to URL i mod n,
// so the connections, and with them the load, are split evenly between the instances.
export class Instances {
  /** `instances`: Ours, started, the first with the fixtures (the others its siblings). */
  constructor(instances) {
    this.instances = instances;
    this.first = instances[0];
  }

  /** Their process ids, for CPU time and memory. */
  get pids() {
    return this.instances.map((instance) => instance.child.pid);
  }

  // Set-up goes through the first instance: what it stores, the others read from the same database.
  makeCodes(...args) {
    return this.first.makeCodes(...args);
  }

  redeem(codes) {
    return this.first.redeem(codes);
  }

  // --- the scenarios' requests, as autocannon options ---

  clientCredentials() {
    return this.toEach(this.first.clientCredentials());
  }

  refreshRotation(tokens) {
    return this.toEach(this.first.refreshRotation(tokens));
  }

  codeExchange(codes) {
    return this.toEach(this.first.codeExchange(codes));
  }

  /** The first instance's options with its URL given once per instance. */
  toEach(options) {
    return { ...options, url: this.instances.map((instance) => options.url.replace(this.first.base, instance.base)) };
  }
}
