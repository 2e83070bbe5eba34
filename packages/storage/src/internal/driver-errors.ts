/** Turns engine errors (postgres.js `PostgresError`, PGlite's error) into coded `StorageError`s. */
import { StorageError, type StorageErrorCode } from '../errors.js';

interface PgLikeError {
  code?: unknown;
  constraint?: unknown;
  constraint_name?: unknown;
  column?: unknown;
  column_name?: unknown;
  table?: unknown;
  table_name?: unknown;
  message?: unknown;
}

const BY_SQLSTATE: Record<string, StorageErrorCode> = {
  '23505': 'STO_ERR_CONFLICT', // unique_violation
  '23503': 'STO_ERR_NOT_FOUND', // foreign_key_violation: the referenced row does not exist
  '23502': 'STO_ERR_INVALID_INPUT', // not_null_violation
  '23514': 'STO_ERR_INVALID_INPUT', // check_violation
  '22P02': 'STO_ERR_INVALID_INPUT', // invalid_text_representation (bad uuid, bad number)
  '22001': 'STO_ERR_TOO_LARGE', // string_data_right_truncation
  '22003': 'STO_ERR_INVALID_INPUT', // numeric_value_out_of_range
  '22007': 'STO_ERR_INVALID_INPUT', // invalid_datetime_format
  '22008': 'STO_ERR_INVALID_INPUT', // datetime_field_overflow
  '22023': 'STO_ERR_INVALID_INPUT', // invalid_parameter_value
  '2201B': 'STO_ERR_INVALID_INPUT', // invalid_regular_expression
  '22021': 'STO_ERR_INVALID_INPUT', // character_not_in_repertoire (e.g. NUL byte)
  '22P05': 'STO_ERR_INVALID_INPUT', // untranslatable_character
  '22P03': 'STO_ERR_INVALID_INPUT', // invalid_binary_representation
  '22012': 'STO_ERR_INVALID_INPUT', // division_by_zero
  '54000': 'STO_ERR_TOO_LARGE', // program_limit_exceeded
};

/** Wraps any thrown value from a driver as a StorageError (StorageErrors pass through). */
export function toStorageError(e: unknown): StorageError {
  if (e instanceof StorageError) return e;
  const pg = (typeof e === 'object' && e !== null ? e : {}) as PgLikeError;
  const sqlState = typeof pg.code === 'string' ? pg.code : undefined;
  const constraint = pg.constraint ?? pg.constraint_name;
  const code: StorageErrorCode = (sqlState !== undefined && BY_SQLSTATE[sqlState]) || (sqlState?.startsWith('22') ? 'STO_ERR_INVALID_INPUT' : 'STO_ERR_UNAVAILABLE');
  const details: Record<string, unknown> = {};
  if (sqlState !== undefined) details['sqlState'] = sqlState;
  if (typeof constraint === 'string') details['constraint'] = constraint;
  const column = pg.column ?? pg.column_name;
  if (typeof column === 'string' && column !== '') details['column'] = column;
  return new StorageError(code, { details, cause: e });
}
