// proxy-addr (express's own dependency) ships no types: the two calls the guard makes.
declare module "proxy-addr" {
  import type { IncomingMessage } from "node:http";
  type Trust = (address: string, i: number) => boolean;
  function proxyaddr(req: IncomingMessage, trust: Trust): string;
  namespace proxyaddr {
    function compile(value: string[]): Trust;
  }
  export default proxyaddr;
}
