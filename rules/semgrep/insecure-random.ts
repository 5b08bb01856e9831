export class Orders {
  // ruleid: insecure-random-token
  private readonly orderKey: string = `order-${Math.random()}`;

  // ok: insecure-random-token
  private readonly backoff: number = Math.random() * 1000;

  keys(): string[] {
    return [this.orderKey, String(this.backoff)];
  }
}
