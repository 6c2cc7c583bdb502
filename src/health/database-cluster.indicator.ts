import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

interface NodeStatus {
  wsrep_on: number | string | null;
  node: string | null;
  ready: string | null;
  state: string | null;
  cluster_status: string | null;
  size: number | string | null;
}

/** One statement: whether the server is a Galera node, and what it says of itself and its cluster. */
const STATUS = `SELECT @@wsrep_on AS wsrep_on, @@wsrep_node_name AS node,
  (SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'WSREP_READY') AS ready,
  (SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'WSREP_LOCAL_STATE_COMMENT') AS state,
  (SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'WSREP_CLUSTER_STATUS') AS cluster_status,
  (SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'WSREP_CLUSTER_SIZE') AS size`;

/**
 * On a Galera cluster, what the node this instance reached says: its name, its state (Synced when
 * it serves), and how many nodes the cluster has now (fewer than it should while one is down). Down
 * when the node is not ready: outside the cluster's primary component, or still joining it. On
 * anything else (SQLite, one MySQL or MariaDB server) it says nothing: `applies` is false.
 */
@Injectable()
export class DatabaseClusterIndicator {
  readonly applies: boolean;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly indicators: HealthIndicatorService,
  ) {
    this.applies = dataSource.options.type === 'mysql';
  }

  async check(key: string): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check(key);
    let status: NodeStatus;
    try {
      [status] = (await this.dataSource.query(STATUS)) as NodeStatus[];
    } catch {
      // A server without the wsrep variables (MySQL) is no cluster node; one that cannot answer shows under `database`.
      return indicator.up({ cluster: false });
    }
    if (Number(status.wsrep_on) !== 1) return indicator.up({ cluster: false });
    const details = {
      node: status.node,
      state: status.state,
      cluster_status: status.cluster_status,
      size: Number(status.size),
    };
    return status.ready === 'ON' && status.cluster_status === 'Primary'
      ? indicator.up(details)
      : indicator.down(details);
  }
}
