/**
 * Gateway metrics on the server's Prometheus registry. Labels are closed sets (directions, wire error
 * codes, refusal reasons), never ids or client-supplied strings.
 *
 * - `hajime_ws_connections`: open WebSocket connections (gauge).
 * - `hajime_ws_frames_total{direction="in"|"out"}`: frames received and sent.
 * - `hajime_ws_error_frames_total{code}`: `error` frames sent, by wire code.
 * - `hajime_ws_upgrades_refused_total{reason}`: upgrades refused (`rate_limited`, `origin_rejected`, ...).
 */
import { Counter, Gauge, type Registry } from 'prom-client';

/** A plain counter for the per-frame hot path; prom-client reads it when scraped. */
export class FrameCount {
  n = 0;
  inc(): void {
    this.n++;
  }
}

export class GatewayMetrics {
  readonly connections: Gauge;
  readonly framesIn = new FrameCount();
  readonly framesOut = new FrameCount();
  readonly #errors: Counter<'code'>;
  readonly #refused: Counter<'reason'>;

  constructor(register: Registry) {
    this.connections = new Gauge({ name: 'hajime_ws_connections', help: 'Open WebSocket connections', registers: [register] });
    const { framesIn, framesOut } = this;
    new Counter({
      name: 'hajime_ws_frames_total',
      help: 'WebSocket frames received (in) and sent (out)',
      labelNames: ['direction'] as const,
      registers: [register],
      collect() {
        this.reset();
        this.inc({ direction: 'in' }, framesIn.n);
        this.inc({ direction: 'out' }, framesOut.n);
      },
    });
    this.#errors = new Counter({ name: 'hajime_ws_error_frames_total', help: 'WebSocket error frames sent, by wire code', labelNames: ['code'] as const, registers: [register] });
    this.#refused = new Counter({ name: 'hajime_ws_upgrades_refused_total', help: 'WebSocket upgrades refused, by reason', labelNames: ['reason'] as const, registers: [register] });
  }

  errorFrame(code: string): void {
    this.#errors.inc({ code });
  }

  refused(reason: string): void {
    this.#refused.inc({ reason });
  }
}
