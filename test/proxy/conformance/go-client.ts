import { request } from 'undici';

// Requests as Toxiproxy's official Go client (github.com/Shopify/toxiproxy/v2/client) encodes them, so that
// the conformance suite sends what real users' code sends: every field of a struct is present (a nil map
// is `null`, an unset string is ""), `stream` is left out when empty, a toxicity of -1 means "the default"
// when adding and "keep it" when updating, a proxy is saved with its whole body (toxics included), and
// every call carries the client's User-Agent and `Content-Type: application/json`. Errors read as the Go
// client prints them: `HTTP 409: toxic already exists`.

export type Attributes = Record<string, unknown> | null;

export interface GoProxy {
  name: string;
  listen: string;
  upstream: string;
  enabled: boolean;
  toxics: GoToxic[] | null;
}

export interface GoToxic {
  name: string;
  type: string;
  stream?: string;
  toxicity: number;
  attributes: Record<string, unknown> | null;
}

export class GoClientError extends Error {
  constructor(
    readonly status: number,
    readonly apiMessage: string,
  ) {
    super(`HTTP ${status}: ${apiMessage}`);
  }
}

export class GoClient {
  userAgent = 'toxiproxy-cli';

  constructor(readonly endpoint: string) {}

  version(): Promise<string> {
    return this.send('GET', '/version');
  }

  async proxies(): Promise<Record<string, GoProxy>> {
    return JSON.parse(await this.send('GET', '/proxies'));
  }

  async proxy(name: string): Promise<GoProxy> {
    return JSON.parse(await this.send('GET', `/proxies/${name}`));
  }

  /** CreateProxy(name, listen, upstream): a new proxy, enabled. */
  createProxy(name: string, listen: string, upstream: string): Promise<GoProxy> {
    return this.save({ name, listen, upstream, enabled: true, toxics: null }, false);
  }

  /** Proxy.Save(): POST /proxies for a new proxy, POST /proxies/{name} with the whole body for an existing one. */
  async save(proxy: GoProxy, created: boolean): Promise<GoProxy> {
    const path = created ? `/proxies/${proxy.name}` : '/proxies';
    // The Go struct's fields only: what the server added (our `protocol`) is not sent back.
    const body = { name: proxy.name, listen: proxy.listen, upstream: proxy.upstream, enabled: proxy.enabled, toxics: proxy.toxics };
    return JSON.parse(await this.send('POST', path, JSON.stringify(body)));
  }

  deleteProxy(name: string): Promise<string> {
    return this.send('DELETE', `/proxies/${name}`);
  }

  /** Populate(config): the proxies as Go structs, so `enabled: false` is sent when not set. */
  async populate(config: Array<Partial<GoProxy> & { name: string }>): Promise<GoProxy[]> {
    const body = config.map((p) => ({ name: p.name, listen: p.listen ?? '', upstream: p.upstream ?? '', enabled: p.enabled ?? false, toxics: null }));
    return (JSON.parse(await this.send('POST', '/populate', JSON.stringify(body))) as { proxies: GoProxy[] }).proxies;
  }

  async toxics(proxy: string): Promise<GoToxic[]> {
    return JSON.parse(await this.send('GET', `/proxies/${proxy}/toxics`));
  }

  /** Proxy.AddToxic(name, type, stream, toxicity, attributes). */
  async addToxic(proxy: string, name: string, type: string, stream: string, toxicity: number, attributes: Attributes): Promise<GoToxic> {
    const toxic: GoToxic = { name, type, toxicity: toxicity === -1 ? 1 : toxicity, attributes };
    if (stream !== '') toxic.stream = stream;
    const body = JSON.stringify({ name: toxic.name, type: toxic.type, stream: toxic.stream, toxicity: toxic.toxicity, attributes: toxic.attributes });
    return JSON.parse(await this.send('POST', `/proxies/${proxy}/toxics`, body));
  }

  /** Proxy.UpdateToxic(name, toxicity, attributes): PATCH, toxicity only when not -1. */
  async updateToxic(proxy: string, name: string, toxicity: number, attributes: Attributes): Promise<GoToxic> {
    const body: Record<string, unknown> = { attributes };
    if (toxicity !== -1) body.toxicity = toxicity;
    return JSON.parse(await this.send('PATCH', `/proxies/${proxy}/toxics/${name}`, JSON.stringify(body)));
  }

  removeToxic(proxy: string, name: string): Promise<string> {
    return this.send('DELETE', `/proxies/${proxy}/toxics/${name}`);
  }

  resetState(): Promise<string> {
    return this.send('POST', '/reset', '');
  }

  async send(method: string, path: string, body?: string): Promise<string> {
    const response = await request(`${this.endpoint}${path}`, {
      method: method as 'GET',
      body,
      headers: { 'user-agent': this.userAgent, 'content-type': 'application/json' },
    });
    const text = await response.body.text();
    if (response.statusCode >= 200 && response.statusCode < 300) return text;
    const error = JSON.parse(text) as { error: string; status: number };
    throw new GoClientError(error.status, error.error);
  }
}
