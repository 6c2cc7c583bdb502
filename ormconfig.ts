import { DataSource } from 'typeorm';
import { dataSourceOptions } from './src/database/data-source-options';

/** For the TypeORM CLI only (`npm run typeorm -- migration:show`); the application builds its own from the same options. */
export default new DataSource(dataSourceOptions(process.env.DATABASE_URL || 'sqlite:./data/provider.sqlite'));
