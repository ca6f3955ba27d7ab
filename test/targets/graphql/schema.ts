/**
 * The GraphQL target's schema, as SDL. Both variants serve exactly this schema; the vulnerable one
 * lets anyone introspect it, the fixed one serves it nowhere (a scanner is then given this string).
 */

export const GRAPHQL_TARGET_SDL = `"""
A small shop: users, their orders and a catalogue of products.
Authenticate with the login mutation and send \`Authorization: Bearer <token>\`.
"""
schema {
  query: Query
  mutation: Mutation
}

type Query {
  "The caller, or null without a token."
  me: User
  "A user's profile (authenticated callers)."
  user(id: ID!): User
  "Every user (administrators only)."
  users: [User!]
  "One of the caller's orders."
  order(id: ID!): Order
  "The caller's orders."
  orders: [Order!]
  "Products whose name contains \`search\` (case-insensitive), \`limit\` at most 100."
  products(search: String, limit: Int = 20, offset: Int = 0): [Product!]!
  product(id: ID!): Product
}

type Mutation {
  login(username: String!, password: String!): AuthPayload
  "Orders \`quantity\` (1 to 100) of a product for the caller."
  createOrder(productId: ID!, quantity: Int!, shippingAddress: String): Order
  "Changes one of the caller's orders."
  updateOrder(id: ID!, quantity: Int, shippingAddress: String): Order
  "Changes the caller's profile."
  updateProfile(input: ProfileInput!): User
  "Deletes a user and their orders (administrators only)."
  deleteUser(id: ID!): Boolean
}

type AuthPayload {
  "A JWT, valid for one hour."
  token: String!
  user: User!
}

type User {
  id: ID!
  username: String!
  name: String!
  "Visible to the user themself and to administrators."
  email: String
  "\`user\` or \`admin\`."
  role: String!
  "Visible to the user themself and to administrators."
  orders: [Order!]
  "Administrators only."
  passwordHash: String
  "Administrators only."
  apiKey: String
}

type Order {
  id: ID!
  owner: User
  product: Product
  quantity: Int!
  total: Float!
  status: String!
  shippingAddress: String
  createdAt: String!
}

type Product {
  id: ID!
  name: String!
  category: String!
  price: Float!
  description: String
}

input ProfileInput {
  name: String
  email: String
  "Only administrators may change a role."
  role: String
}
`;
