/**
 * The same client, every attempt of every `send` going through `intercept` below the SDK's
 * retry layer (a middleware on the command itself), where a network or DynamoDB answers: a
 * throttle or a timeout it throws is retried by the client's strategy (platform/retry.ts), a
 * cancelled transaction by the application. Shared by the contention model and the tests'
 * fault injection. `intercept` gets the command as sent (unmarshalled input) and `forward`,
 * which lets this attempt go on.
 */
type Next = (args: unknown) => Promise<unknown>;
interface Stackable {
  middlewareStack?: { add(middleware: (next: Next) => Next, options: Record<string, unknown>): void };
}

export const belowRetries = <C extends { send: (...args: never[]) => Promise<unknown> }>(
  client: C,
  name: string,
  intercept: (command: unknown, forward: () => Promise<unknown>) => Promise<unknown>,
): C =>
  new Proxy(client, {
    get(target, property, receiver) {
      if (property !== 'send') return Reflect.get(target, property, receiver);
      return (...args: never[]) => {
        const command = args[0] as Stackable | undefined;
        command?.middlewareStack?.add((next) => async (attempt) => intercept(command, () => next(attempt)), {
          step: 'finalizeRequest',
          priority: 'low',
          name,
          override: true,
        });
        return target.send(...args);
      };
    },
  });
