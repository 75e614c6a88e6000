import pino, { type DestinationStream, type Logger } from 'pino';

/**
 * Logs carry ids, never PII or secrets. Requests are logged by route pattern, not URL, because
 * order links and payment returns carry secret tokens in the path or query. The redact list
 * is a second line of defence for anything that slips into a log object.
 */
export const REDACT_PATHS = [
  'req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]',
  '*.password', '*.token', '*.secret', '*.email', '*.buyerEmail', '*.buyerName', '*.attendeeName', '*.name',
  '*.number', '*.cardNumber', '*.cvc', '*.code', 'password', 'token', 'email', 'buyerEmail', 'buyerName',
];

interface RequestLike { method?: string; id?: string; routeOptions?: { url?: string } }

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: {
        req: (req: RequestLike) => ({ method: req.method, route: req.routeOptions?.url ?? '(unmatched)' }),
        res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
        err: pino.stdSerializers.err,
      },
    },
    destination,
  );
}
