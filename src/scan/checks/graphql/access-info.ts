/**
 * What the access and injection checks of GraphQL APIs are, with fixes written for GraphQL
 * servers. Their identity is the REST checks' (a finding means the same flaw whatever the protocol);
 * only the description and the fix are written for GraphQL.
 */
import type { CheckInfo } from '../../model.js';
import { BFLA_INFO as REST_BFLA, BOLA_INFO as REST_BOLA, EXPOSURE_INFO as REST_EXPOSURE, MASS_ASSIGNMENT_INFO as REST_MASS_ASSIGNMENT } from '../access/info-authz.js';
import { UNAUTHENTICATED_INFO as REST_UNAUTHENTICATED } from '../access/info-auth.js';
import { sqlInjection } from '../injection/sql.js';

/** What names a flaw (id, title, severity, CWE, category) is the REST check's: one flaw, one name. */
function identityOf({ id, title, severity, cwe, owasp }: CheckInfo): Pick<CheckInfo, 'id' | 'title' | 'severity' | 'cwe' | 'owasp'> {
  return { id, title, severity, cwe, owasp };
}

export const BOLA_INFO: CheckInfo = {
  ...identityOf(REST_BOLA),
  description:
    "A GraphQL field or mutation that takes an object's id returns or changes the object without checking that it belongs to the caller. Any logged-in user can walk through ids (often sequential) and read or modify other users' orders, documents or messages. GraphQL makes it easy to miss: every resolver that loads an object by id, including nested ones, must apply the same ownership rule.",
  remediation: {
    summary:
      "Check ownership (or an explicit sharing rule) in every resolver that loads an object by id, ideally in one data-access function that takes the caller and filters by owner; answer \"not found\" for objects of others so that ids cannot be probed.",
    snippets: {
      'Apollo Server': `const resolvers = {
  Query: {
    order: async (_parent, { id }, { user, db }) => {
      if (!user) throw new GraphQLError('unauthenticated', { extensions: { code: 'UNAUTHENTICATED' } });
      const order = await db.orders.findFirst({ where: { id, ownerId: user.id } });
      if (!order) throw new GraphQLError('not found', { extensions: { code: 'NOT_FOUND' } });
      return order;
    },
  },
};`,
      'NestJS (GraphQL)': `@Query(() => Order)
@UseGuards(GqlAuthGuard)
async order(@Args('id', { type: () => ID }) id: string, @CurrentUser() user: User) {
  const order = await this.orders.findOne({ where: { id, owner: { id: user.id } } });
  if (!order) throw new NotFoundException();
  return order;
}`,
      'Django (graphene)': `class Query(graphene.ObjectType):
    order = graphene.Field(OrderType, id=graphene.ID(required=True))

    @login_required
    def resolve_order(root, info, id):
        return Order.objects.filter(owner=info.context.user).get(pk=id)  # DoesNotExist for others`,
      'Spring GraphQL': `@QueryMapping
@PreAuthorize("isAuthenticated()")
public Order order(@Argument Long id, Authentication auth) {
    return orders.findByIdAndOwnerUsername(id, auth.getName())
        .orElseThrow(() -> new NotFoundException("order"));
}`,
      'Rails (graphql-ruby)': `field :order, Types::OrderType, null: true do
  argument :id, ID, required: true
end

def order(id:)
  context[:current_user].orders.find(id) # raises RecordNotFound for others' orders
end`,
      'Go (gqlgen)': `func (r *queryResolver) Order(ctx context.Context, id string) (*model.Order, error) {
	user := auth.ForContext(ctx)
	if user == nil {
		return nil, errors.New("unauthenticated")
	}
	return r.DB.OrderOfOwner(ctx, id, user.ID) // WHERE id = $1 AND owner_id = $2
}`,
    },
    references: [
      'https://owasp.org/API-Security/editions/2023/en/0xa1-broken-object-level-authorization/',
      'https://cheatsheetseries.owasp.org/cheatsheets/GraphQL_Cheat_Sheet.html#authorization',
      'https://cwe.mitre.org/data/definitions/639.html',
    ],
  },
};

export const BFLA_INFO: CheckInfo = {
  ...identityOf(REST_BFLA),
  description:
    'A GraphQL field or mutation meant for administrators (listing every account, deleting users, changing roles) runs for a normal logged-in user. The schema advertises these operations to everyone, so checking only that the caller is logged in hands administrative power to any account.',
  remediation: {
    summary:
      'Enforce roles on every administrative field and mutation on the server, in one place (a directive, a permission layer or guards), denying by default; hiding fields from the client or from introspection is not a control.',
    snippets: {
      'graphql-shield (Apollo / Express / Fastify)': `import { shield, rule, and } from 'graphql-shield';

const isAuthenticated = rule()((_p, _a, ctx) => ctx.user != null);
const isAdmin = rule()((_p, _a, ctx) => ctx.user?.role === 'admin');

export const permissions = shield(
  { Query: { users: and(isAuthenticated, isAdmin) }, Mutation: { deleteUser: and(isAuthenticated, isAdmin) } },
  { fallbackRule: isAuthenticated },
);
// schema = applyMiddleware(makeExecutableSchema({ typeDefs, resolvers }), permissions)`,
      'NestJS (GraphQL)': `@Mutation(() => Boolean)
@UseGuards(GqlAuthGuard, RolesGuard)
@Roles('admin')
deleteUser(@Args('id', { type: () => ID }) id: string) {
  return this.users.delete(id);
}`,
      'Django (graphene)': `from graphql_jwt.decorators import superuser_required

class DeleteUser(graphene.Mutation):
    class Arguments:
        id = graphene.ID(required=True)
    ok = graphene.Boolean()

    @superuser_required
    def mutate(root, info, id):
        User.objects.get(pk=id).delete()
        return DeleteUser(ok=True)`,
      'Spring GraphQL': `@MutationMapping
@PreAuthorize("hasRole('ADMIN')")
public boolean deleteUser(@Argument Long id) {
    users.deleteById(id);
    return true;
}`,
      'Rails (graphql-ruby)': `class Mutations::DeleteUser < Mutations::BaseMutation
  argument :id, ID, required: true

  def authorized?(**)
    raise GraphQL::ExecutionError, 'forbidden' unless context[:current_user]&.admin?
    true
  end
end`,
      'Go (gqlgen)': `# schema.graphql
directive @hasRole(role: Role!) on FIELD_DEFINITION
type Mutation { deleteUser(id: ID!): Boolean @hasRole(role: ADMIN) }

// server.go
c := generated.Config{Resolvers: r}
c.Directives.HasRole = func(ctx context.Context, obj any, next graphql.Resolver, role model.Role) (any, error) {
	if u := auth.ForContext(ctx); u == nil || u.Role != role {
		return nil, errors.New("forbidden")
	}
	return next(ctx)
}`,
    },
    references: [
      'https://owasp.org/API-Security/editions/2023/en/0xa5-broken-function-level-authorization/',
      'https://cheatsheetseries.owasp.org/cheatsheets/GraphQL_Cheat_Sheet.html#authorization',
      'https://cwe.mitre.org/data/definitions/285.html',
    ],
  },
};

export const MASS_ASSIGNMENT_INFO: CheckInfo = {
  ...identityOf(REST_MASS_ASSIGNMENT),
  description:
    'A mutation copies every field of its input object into the stored record, including privileged ones such as `role`, `isAdmin` or `permissions`. A normal user sends the field with a value of their choice and it sticks: they grant themselves administrator rights or change data only the system or an administrator should set.',
  remediation: {
    summary:
      'Give each mutation an input type with only the fields its caller may set, copy fields explicitly (never spread the input into the model), and check the caller’s role before applying privileged fields.',
    snippets: {
      'Apollo Server': `updateProfile: async (_p, { input }, { user, db }) => {
  const changes = { name: input.name, email: input.email }; // explicit allow-list
  if (input.role !== undefined) {
    if (user.role !== 'admin') throw new GraphQLError('forbidden', { extensions: { code: 'FORBIDDEN' } });
    changes.role = input.role;
  }
  return db.users.update({ where: { id: user.id }, data: changes });
},`,
      'NestJS (GraphQL)': `@InputType()
export class UpdateProfileInput {
  @Field({ nullable: true }) name?: string;
  @Field({ nullable: true }) email?: string;
  // no role here: an admin-only mutation changes roles
}
// main.ts: app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true }));`,
      'Django (graphene)': `class ProfileInput(graphene.InputObjectType):
    name = graphene.String()
    email = graphene.String()  # role deliberately absent

class UpdateProfile(graphene.Mutation):
    class Arguments:
        input = ProfileInput(required=True)
    user = graphene.Field(UserType)

    def mutate(root, info, input):
        user = info.context.user
        for field in ("name", "email"):
            if input.get(field) is not None:
                setattr(user, field, input[field])
        user.save(update_fields=["name", "email"])
        return UpdateProfile(user=user)`,
      'Spring GraphQL': `public record ProfileInput(String name, String email) {} // no role component

@MutationMapping
public User updateProfile(@Argument ProfileInput input, Authentication auth) {
    User user = users.byUsername(auth.getName());
    if (input.name() != null) user.setName(input.name());
    if (input.email() != null) user.setEmail(input.email());
    return users.save(user);
}`,
      'Rails (graphql-ruby)': `class Mutations::UpdateProfile < Mutations::BaseMutation
  argument :name, String, required: false
  argument :email, String, required: false

  def resolve(**attrs)
    context[:current_user].update!(attrs.slice(:name, :email))
    { user: context[:current_user] }
  end
end`,
    },
    references: [
      'https://owasp.org/API-Security/editions/2023/en/0xa3-broken-object-property-level-authorization/',
      'https://cheatsheetseries.owasp.org/cheatsheets/Mass_Assignment_Cheat_Sheet.html',
      'https://cwe.mitre.org/data/definitions/915.html',
    ],
  },
};

export const EXPOSURE_INFO: CheckInfo = {
  ...identityOf(REST_EXPOSURE),
  description:
    'The schema exposes sensitive fields — password hashes, API keys, secrets, tokens — and the server resolves them for callers who must not see them (other users, or anyone). GraphQL returns whatever field a client asks for, so a field that exists in the schema without its own authorization rule is readable by every caller that can reach its object, through any path (`user(id)`, `order { owner }`…).',
  remediation: {
    summary:
      'Remove secrets from the GraphQL types altogether (hashes and keys never need to leave the server), or guard each sensitive field with its own authorization rule that applies on every path to the object.',
    snippets: {
      'Apollo Server': `const resolvers = {
  User: {
    // better: drop passwordHash and apiKey from the schema
    apiKey: (user, _args, { viewer }) => {
      if (viewer?.id !== user.id) throw new GraphQLError('forbidden', { extensions: { code: 'FORBIDDEN' } });
      return user.apiKey;
    },
  },
};`,
      'graphql-shield (Express / Fastify)': `const permissions = shield({
  User: { passwordHash: deny, apiKey: and(isAuthenticated, isSelf) },
});`,
      'NestJS (GraphQL)': `@ObjectType()
export class User {
  @Field(() => ID) id: string;
  @Field() name: string;
  // passwordHash and apiKey are entity columns only: no @Field(), never in the schema
  passwordHash: string;
  apiKey: string;
}`,
      'Django (graphene)': `class UserType(DjangoObjectType):
    class Meta:
        model = User
        fields = ("id", "username", "name")  # an allow-list: password and api_key stay out`,
      'Spring GraphQL': `# schema.graphqls: the type lists only public fields
type User { id: ID! name: String! }
# passwordHash / apiKey exist on the Java entity but not in the schema, so they cannot be queried`,
      'Rails (graphql-ruby)': `class Types::UserType < Types::BaseObject
  field :id, ID, null: false
  field :name, String, null: false
  # no field :password_digest / :api_key
end`,
    },
    references: [
      'https://owasp.org/API-Security/editions/2023/en/0xa3-broken-object-property-level-authorization/',
      'https://cheatsheetseries.owasp.org/cheatsheets/GraphQL_Cheat_Sheet.html#authorization',
      'https://cwe.mitre.org/data/definitions/213.html',
    ],
  },
};

export const UNAUTHENTICATED_INFO: CheckInfo = {
  ...identityOf(REST_UNAUTHENTICATED),
  description:
    "A GraphQL field returns users' private objects to a request without any credentials. GraphQL servers usually authenticate in each resolver rather than per route, so a single resolver that forgets (or falls back to \"everything\" when there is no user) exposes its data to the whole internet.",
  remediation: {
    summary:
      'Require authentication by default for every field (a deny-by-default permission layer or a guard on the root types) and mark the few public fields explicitly; resolvers must never fall back to unfiltered data when there is no caller.',
    snippets: {
      'Apollo Server': `const resolvers = {
  Query: {
    orders: (_p, _a, { user, db }) => {
      if (!user) throw new GraphQLError('unauthenticated', { extensions: { code: 'UNAUTHENTICATED' } });
      return db.orders.findMany({ where: { ownerId: user.id } });
    },
  },
};`,
      'graphql-shield (Express / Fastify)': `const permissions = shield(
  { Query: { products: allow, product: allow }, Mutation: { login: allow } },
  { fallbackRule: isAuthenticated }, // everything else needs a user
);`,
      'NestJS (GraphQL)': `// app.module.ts: every resolver needs a user unless marked @Public()
providers: [{ provide: APP_GUARD, useClass: GqlAuthGuard }],`,
      'Django (graphene)': `from graphql_jwt.decorators import login_required

class Query(graphene.ObjectType):
    orders = graphene.List(OrderType)

    @login_required
    def resolve_orders(root, info):
        return Order.objects.filter(owner=info.context.user)`,
      'Spring GraphQL': `@Bean
SecurityFilterChain api(HttpSecurity http) throws Exception {
    http.authorizeHttpRequests(a -> a.requestMatchers("/graphql").authenticated())
        .oauth2ResourceServer(o -> o.jwt(Customizer.withDefaults()));
    return http.build();
} // or @PreAuthorize("isAuthenticated()") on each @QueryMapping`,
      'Go (gqlgen)': `func (r *queryResolver) Orders(ctx context.Context) ([]*model.Order, error) {
	user := auth.ForContext(ctx)
	if user == nil {
		return nil, &gqlerror.Error{Message: "unauthenticated", Extensions: map[string]any{"code": "UNAUTHENTICATED"}}
	}
	return r.DB.OrdersOf(ctx, user.ID)
}`,
    },
    references: [
      'https://owasp.org/API-Security/editions/2023/en/0xa2-broken-authentication/',
      'https://cheatsheetseries.owasp.org/cheatsheets/GraphQL_Cheat_Sheet.html#authorization',
      'https://cwe.mitre.org/data/definitions/306.html',
    ],
  },
};

export const SQL_INFO: CheckInfo = {
  ...identityOf(sqlInjection),
  description:
    'A GraphQL argument is pasted into an SQL statement. GraphQL type checking does not help: a `String` or `ID` argument carries any text, quotes included. An attacker changes the statement’s logic to read every row, other tables (users and password hashes through UNION SELECT) or, depending on the database, to modify data.',
  remediation: {
    summary:
      'Use parameterised queries or the ORM’s query builder for every value from a GraphQL argument; never build SQL text by concatenation. Escape LIKE wildcards where they matter, and do not return database error messages to clients.',
    snippets: {
      'Node.js (pg / better-sqlite3)': `// pg
const { rows } = await pool.query('SELECT * FROM products WHERE name ILIKE $1 LIMIT $2', [\`%\${search}%\`, limit]);
// better-sqlite3
db.prepare('SELECT * FROM products WHERE name LIKE ? LIMIT ?').all(\`%\${search}%\`, limit);`,
      'NestJS (TypeORM)': `return this.products
  .createQueryBuilder('p')
  .where('p.name LIKE :search', { search: \`%\${search}%\` })
  .take(limit)
  .getMany();`,
      'Django (graphene)': `def resolve_products(root, info, search=None):
    qs = Product.objects.all()
    if search:
        qs = qs.filter(name__icontains=search)  # the ORM binds parameters
    return qs[:20]`,
      'Spring GraphQL': `@QueryMapping
public List<Product> products(@Argument String search) {
    return jdbc.query("SELECT * FROM products WHERE name LIKE ?", productMapper, "%" + search + "%");
}`,
      'Rails (graphql-ruby)': `def products(search: nil)
  scope = Product.all
  scope = scope.where('name LIKE ?', "%#{Product.sanitize_sql_like(search)}%") if search
  scope.limit(20)
end`,
      'Go (gqlgen)': `rows, err := r.DB.QueryContext(ctx, "SELECT id, name FROM products WHERE name LIKE $1 LIMIT $2", "%"+search+"%", limit)`,
    },
    references: [
      'https://owasp.org/API-Security/editions/2023/en/0xa8-security-misconfiguration/',
      'https://cheatsheetseries.owasp.org/cheatsheets/SQL_Injection_Prevention_Cheat_Sheet.html',
      'https://cheatsheetseries.owasp.org/cheatsheets/GraphQL_Cheat_Sheet.html#injection-prevention',
      'https://cwe.mitre.org/data/definitions/89.html',
    ],
  },
};
