import { register } from 'ts-node';

// TypeORM loads entities and migrations from globs with Node's own require: let it read the TypeScript files.
register({ transpileOnly: true });
