// The shop's backend services: what each one answers, how fast, and whether the product page can live
// without it. This one table drives the backend processes, the page assembler, the world plan and the
// docs, so adding a service is one entry here.
import type { ServiceTime } from './service-time.js';

/** Product ids the shop accepts; anything else is refused before a backend is called. */
export const PRODUCT_ID = /^[A-Za-z0-9-]{1,64}$/;

export type Criticality = 'critical' | 'non-critical';

/** Who answered, so tests and experiments can tell where a request landed. */
export interface Origin {
  service: string;
  region: string;
  instance: string;
}

export interface BackendService {
  name: string;
  criticality: Criticality;
  /** What this part of the product page is, in the words a shopper would use. */
  description: string;
  serviceTime: ServiceTime;
  /** The service's answer for one product; deterministic per product so pages are comparable. */
  answer(productId: string, origin: Origin): Record<string, unknown>;
}

/** FNV-1a: a stable small hash so that product 42 has the same title and price in every region. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

const ADJECTIVES = ['Trail', 'Compact', 'Quiet', 'Solar', 'Everyday', 'Pro', 'Classic', 'Ultralight'];
const NOUNS = ['Backpack', 'Kettle', 'Headphones', 'Lamp', 'Blender', 'Tent', 'Keyboard', 'Bottle'];
const BRANDS = ['Northwind', 'Acme', 'Fjord', 'Kestrel', 'Lumen'];

function pick<T>(items: readonly T[], seed: number): T {
  return items[seed % items.length];
}

function relatedIds(productId: string, salt: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => String(1 + (hash(`${productId}:${salt}:${i}`) % 9999)));
}

export const BACKEND_SERVICES: readonly BackendService[] = [
  {
    name: 'catalog',
    criticality: 'critical',
    description: 'title, brand and images',
    serviceTime: { p50Ms: 4, p99Ms: 8 },
    answer: (id) => {
      const h = hash(id);
      return {
        title: `${pick(ADJECTIVES, h)} ${pick(NOUNS, h >>> 3)}`,
        brand: pick(BRANDS, h >>> 7),
        images: [`/img/${id}/1.jpg`, `/img/${id}/2.jpg`],
      };
    },
  },
  {
    name: 'pricing',
    criticality: 'critical',
    description: 'price and discount',
    serviceTime: { p50Ms: 3, p99Ms: 5 },
    answer: (id) => {
      const h = hash(`price:${id}`);
      const cents = 499 + (h % 25_000);
      const discountPercent = h % 4 === 0 ? 10 + (h % 3) * 5 : 0;
      return { currency: 'USD', listPriceCents: cents, priceCents: Math.round(cents * (1 - discountPercent / 100)), discountPercent };
    },
  },
  {
    name: 'inventory',
    criticality: 'critical',
    description: 'stock level and warehouse',
    serviceTime: { p50Ms: 3, p99Ms: 6 },
    answer: (id, origin) => {
      const units = hash(`stock:${id}:${origin.region}`) % 120;
      return { inStock: units > 0, units, warehouse: `${origin.region}-fc${1 + (hash(id) % 3)}` };
    },
  },
  {
    name: 'buy-box',
    criticality: 'critical',
    description: 'seller and add-to-cart',
    serviceTime: { p50Ms: 4, p99Ms: 9 },
    answer: (id) => ({
      seller: pick(['GameDay Shop', 'Outlet Partner', 'Marketplace Seller'], hash(`seller:${id}`)),
      addToCart: { action: `/cart/items`, productId: id, quantity: 1 },
    }),
  },
  {
    name: 'reviews',
    criticality: 'non-critical',
    description: 'star rating and review count',
    serviceTime: { p50Ms: 6, p99Ms: 15 },
    answer: (id) => {
      const h = hash(`reviews:${id}`);
      // 3.0 to 5.0 stars: a shop page rarely shows worse.
      return { averageStars: (30 + (h % 21)) / 10, count: h % 4000 };
    },
  },
  {
    name: 'recommendations',
    criticality: 'non-critical',
    description: 'customers also bought',
    serviceTime: { p50Ms: 10, p99Ms: 25 },
    answer: (id) => ({ productIds: relatedIds(id, 'recs', 6) }),
  },
  {
    name: 'ads',
    criticality: 'non-critical',
    description: 'sponsored products',
    serviceTime: { p50Ms: 5, p99Ms: 12 },
    answer: (id) => ({ sponsored: relatedIds(id, 'ads', 2).map((productId) => ({ productId, campaign: `cmp-${hash(productId) % 97}` })) }),
  },
  {
    name: 'delivery',
    criticality: 'non-critical',
    description: 'delivery estimate',
    serviceTime: { p50Ms: 4, p99Ms: 10 },
    answer: (id, origin) => {
      const days = 1 + (hash(`delivery:${id}:${origin.region}`) % 5);
      const date = new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
      return { estimatedDate: date, days, express: days <= 2 };
    },
  },
];

export function findBackendService(name: string): BackendService | undefined {
  return BACKEND_SERVICES.find((service) => service.name === name);
}

export function backendServiceNames(): string[] {
  return BACKEND_SERVICES.map((service) => service.name);
}

/** A lever the shop reads through OpenFeature, and which backend calls it sheds while pulled. */
export interface ShopLever {
  name: string;
  description: string;
  sheds(service: BackendService): boolean;
}

// Levers only ever shed non-critical work: a lever that could switch off pricing would be an outage
// button, not an emergency switch.
export const SHOP_LEVERS: readonly ShopLever[] = [
  {
    name: 'disable-recommendations',
    description: 'skip the recommendations call; the page is served without "customers also bought"',
    sheds: (service) => service.name === 'recommendations',
  },
  {
    name: 'disable-non-critical',
    description: 'skip every non-critical call (reviews, recommendations, ads, delivery); title, price, stock and buy-box stay',
    sheds: (service) => service.criticality === 'non-critical',
  },
];
