/**
 * GraphQL for the scanner: finding the endpoint, loading the schema (SDL file, introspection, or
 * rebuilt from field suggestions when introspection is off)
 * as a GraphqlApi, building operations from the schema (selections, argument values as variables),
 * sending them through the scan client, and exploring the API as several users so that checks
 * start from real samples and the objects each user owns.
 */
export { loadGraphqlApi, findGraphqlEndpoint, graphqlApiOf, operationsOf, schemaFromSdl, fieldRequiresAuth, jsonSchemaOf, GRAPHQL_ENDPOINTS, type LoadGraphqlOptions } from './load.js';
export { recoverSchema, type RecoverOptions } from './recover.js';
export { rootFieldWords, objectFieldWords, ARG_WORDS, ENUM_WORDS } from './field-words.js';
export { exploreGraphql, itemOperation, type ExploreGraphqlOptions, type GraphqlExploration } from './explore.js';
export {
  GraphqlTransport,
  endpointUrl,
  postRequest,
  getRequest,
  payloadOf,
  parseJsonText,
  gqlResultOf,
  gqlResultOfExchange,
  errorsAt,
  rootValue,
  type GqlPayload,
  type GqlError,
  type GqlResult,
  type GqlExchange,
} from './transport.js';
export { buildOperation, selectionFor, leafSelection, printSelection, pruneSelection, type SelNode, type SelectionOptions, type BuiltOperation } from './query-builder.js';
export { valueForType, stringFor, argValue, idsForArg, idArgValue, requiredArgValues, NO_HINTS, type ValueHints } from './values.js';
export { objectsIn, idOf, type SeenObject } from './walk.js';
export { objectKey, isListingOperation, objectsOfSample, listingVisibility } from './observe.js';
export {
  schemaOf,
  rootTypeOf,
  rootFields,
  fieldOfOperation,
  operationIdOf,
  operationById,
  isRequired,
  requiredArgs,
  returnsList,
  isComposite,
  isLeaf,
  isIdArg,
  idTargetType,
  viewerField,
  viewerTypeName,
  wordsOf,
  singular,
  enumValues,
  type GqlField,
  type RootKind,
} from './schema-tools.js';
