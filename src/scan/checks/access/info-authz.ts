/**
 * What the authorization and data-exposure checks are: identity, mapping, description and the fix
 * with code for common stacks.
 */
import type { CheckInfo } from '../../model.js';

export const BOLA_INFO: CheckInfo = {
  id: 'authz.bola',
  title: "Broken object level authorization: one user can access another user's objects",
  severity: 'high',
  cwe: 'CWE-639',
  owasp: 'API1:2023',
  description:
    "The API finds an object by the id the client sends but never checks that the object belongs to the caller. Any signed-in user can read, change or delete other users' orders, invoices or documents by trying ids, which are often sequential. It is the most common and most damaging API flaw: one request per id leaks or destroys the whole collection.",
  remediation: {
    summary:
      "Scope every object lookup to the caller: query by id AND owner (or check the owner after loading) on every read, update and delete, and answer 404 for objects the caller may not see. Do it in the data-access layer so that no handler can forget it; random ids (UUIDs) make guessing harder but are not a fix.",
    snippets: {
      Express: `app.get('/api/orders/:id', requireAuth, async (req, res) => {
  const order = await db.orders.findOne({ id: req.params.id, ownerId: req.user.id });
  if (!order) return res.status(404).json({ error: 'not found' });
  res.json(order);
});`,
      Fastify: `fastify.get('/api/orders/:id', { onRequest: [fastify.authenticate] }, async (req, reply) => {
  const order = await db.order.findFirst({ where: { id: Number(req.params.id), ownerId: req.user.sub } });
  if (!order) return reply.code(404).send({ error: 'not found' });
  return order;
});`,
      NestJS: `@Get(':id')
async findOne(@Param('id', ParseIntPipe) id: number, @Req() req: AuthedRequest) {
  const order = await this.orders.findOneBy({ id, ownerId: req.user.id });
  if (!order) throw new NotFoundException();
  return order;
}`,
      'Django/DRF': `class OrderViewSet(viewsets.ModelViewSet):
    serializer_class = OrderSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        # Other users' orders are simply not found (404).
        return Order.objects.filter(owner=self.request.user)`,
      Spring: `@GetMapping("/api/orders/{id}")
public Order get(@PathVariable long id, @AuthenticationPrincipal AppUser user) {
    return orders.findByIdAndOwnerId(id, user.getId())
        .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
}`,
      Rails: `def show
  # find raises RecordNotFound (404) for orders of other users
  order = current_user.orders.find(params[:id])
  render json: order
end`,
      'Go net/http': `func getOrder(w http.ResponseWriter, r *http.Request) {
	user := r.Context().Value(userKey{}).(*User)
	var o Order
	err := db.QueryRowContext(r.Context(),
		"SELECT id, total FROM orders WHERE id = $1 AND owner_id = $2",
		r.PathValue("id"), user.ID).Scan(&o.ID, &o.Total)
	if errors.Is(err, sql.ErrNoRows) {
		http.NotFound(w, r)
		return
	}
	json.NewEncoder(w).Encode(o)
}`,
    },
    references: [
      'https://owasp.org/API-Security/editions/2023/en/0xa1-broken-object-level-authorization/',
      'https://cwe.mitre.org/data/definitions/639.html',
      'https://cheatsheetseries.owasp.org/cheatsheets/Authorization_Cheat_Sheet.html',
    ],
  },
};

export const BFLA_INFO: CheckInfo = {
  id: 'authz.bfla',
  title: 'Broken function level authorization: a normal user can call administrators’ operations',
  severity: 'high',
  cwe: 'CWE-285',
  owasp: 'API5:2023',
  description:
    'Operations meant for administrators (listing every account, deleting users, changing settings) check that the caller is signed in but not that the caller has the administrator role. Any user who finds the endpoint — it is in the API description, or guessable from /admin paths — can use it to read everyone’s data or take over and destroy accounts.',
  remediation: {
    summary:
      'Deny by default and check the role on the server for every administrative operation: group them (an /admin router, a controller) behind one role check, answer 403 to other users, and test each admin operation with a normal user’s token.',
    snippets: {
      Express: `const requireRole = (role) => (req, res, next) =>
  req.user?.role === role ? next() : res.status(403).json({ error: 'forbidden' });

app.use('/api/admin', requireAuth, requireRole('admin'));`,
      Fastify: `fastify.register(async (admin) => {
  admin.addHook('onRequest', fastify.authenticate);
  admin.addHook('onRequest', async (req, reply) => {
    if (req.user.role !== 'admin') return reply.code(403).send({ error: 'forbidden' });
  });
  admin.get('/users', listUsers);
  admin.delete('/users/:id', deleteUser);
}, { prefix: '/api/admin' });`,
      NestJS: `@Injectable()
export class AdminGuard implements CanActivate {
  canActivate(ctx: ExecutionContext): boolean {
    return ctx.switchToHttp().getRequest().user?.role === 'admin';
  }
}

@UseGuards(JwtAuthGuard, AdminGuard)
@Controller('api/admin')
export class AdminController {}`,
      'Django/DRF': `class AdminUserViewSet(viewsets.ModelViewSet):
    queryset = User.objects.all()
    serializer_class = AdminUserSerializer
    permission_classes = [IsAdminUser]  # is_staff required, 403 otherwise`,
      Spring: `http.authorizeHttpRequests(auth -> auth
    .requestMatchers("/api/admin/**").hasRole("ADMIN")
    .anyRequest().authenticated());`,
      Rails: `class Admin::BaseController < ApplicationController
  before_action :require_admin

  private

  def require_admin
    head :forbidden unless current_user&.admin?
  end
end`,
      'Go net/http': `func requireAdmin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, ok := r.Context().Value(userKey{}).(*User); !ok || u.Role != "admin" {
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		next.ServeHTTP(w, r)
	})
}

mux.Handle("/api/admin/", requireAuth(requireAdmin(adminMux)))`,
    },
    references: [
      'https://owasp.org/API-Security/editions/2023/en/0xa5-broken-function-level-authorization/',
      'https://cwe.mitre.org/data/definitions/285.html',
      'https://cheatsheetseries.owasp.org/cheatsheets/Authorization_Cheat_Sheet.html',
    ],
  },
};

export const MASS_ASSIGNMENT_INFO: CheckInfo = {
  id: 'authz.mass-assignment',
  title: 'Mass assignment: clients can set fields they must not (role, isAdmin, balance…)',
  severity: 'high',
  cwe: 'CWE-915',
  owasp: 'API3:2023',
  description:
    'The API copies the request body into the stored object without a list of the fields the client may set. A user who adds "role": "admin", "isAdmin": true, "verified": true or a new balance to an ordinary profile or order update gets it stored: privilege escalation or fraud with one request, often with fields the documentation shows in responses.',
  remediation: {
    summary:
      'Bind request bodies to dedicated input types that list only the fields the client may change (an allow-list), reject or drop everything else, and set server-owned fields (role, owner, status, prices, balances) in code. Never pass the raw body to an ORM update.',
    snippets: {
      Express: `const ProfileUpdate = z.object({
  name: z.string().min(1).max(100).optional(),
  email: z.string().email().optional(),
}).strict(); // unknown keys such as role are an error

app.patch('/api/users/me', requireAuth, async (req, res) => {
  const parsed = ProfileUpdate.safeParse(req.body);
  if (!parsed.success) return res.status(400).json({ error: parsed.error.issues });
  res.json(await users.update(req.user.id, parsed.data));
});`,
      Fastify: `fastify.patch('/api/users/me', {
  schema: {
    body: {
      type: 'object',
      additionalProperties: false, // Fastify's Ajv drops role, isAdmin…
      properties: { name: { type: 'string', maxLength: 100 }, email: { type: 'string', format: 'email' } },
    },
  },
}, async (req) => users.update(req.user.sub, req.body));`,
      NestJS: `export class UpdateProfileDto {
  @IsOptional() @IsString() @MaxLength(100) name?: string;
  @IsOptional() @IsEmail() email?: string;
}

app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true }));`,
      'Django/DRF': `class ProfileSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ['id', 'name', 'email', 'role', 'is_staff']
        read_only_fields = ['id', 'role', 'is_staff']`,
      Spring: `public record ProfileUpdate(@Size(max = 100) String name, @Email String email) {}

@PatchMapping("/api/users/me")
public UserView update(@Valid @RequestBody ProfileUpdate in, @AuthenticationPrincipal AppUser me) {
    return users.updateNameAndEmail(me.getId(), in.name(), in.email());
}`,
      Rails: `def update
  current_user.update!(params.require(:user).permit(:name, :email))
  render json: current_user
end`,
      'Go net/http': `var in struct {
	Name  *string \`json:"name"\`
	Email *string \`json:"email"\`
}
dec := json.NewDecoder(r.Body)
dec.DisallowUnknownFields() // {"role": "admin"} is a 400
if err := dec.Decode(&in); err != nil {
	http.Error(w, "bad request", http.StatusBadRequest)
	return
}`,
    },
    references: [
      'https://owasp.org/API-Security/editions/2023/en/0xa3-broken-object-property-level-authorization/',
      'https://cwe.mitre.org/data/definitions/915.html',
      'https://cheatsheetseries.owasp.org/cheatsheets/Mass_Assignment_Cheat_Sheet.html',
    ],
  },
};

export const EXPOSURE_INFO: CheckInfo = {
  id: 'data.excessive-exposure',
  title: 'Excessive data exposure: responses carry password hashes, secrets or card numbers',
  severity: 'high',
  cwe: 'CWE-213',
  owasp: 'API3:2023',
  description:
    'The API returns whole database records and leaves it to the client to show only some fields. Password hashes, API keys, reset tokens, national identifiers or card numbers then travel to every caller who can read the object, and anyone reading the raw response (a proxy, a browser extension, another user) can crack the hashes offline, reuse the keys or take over accounts with the reset tokens.',
  remediation: {
    summary:
      'Serialize responses through explicit output types that list the fields each caller may see (an allow-list per endpoint and role); never return ORM entities as they are. Keep secrets (hashes, keys, tokens) out of every response, and show other people’s personal data only when the endpoint needs it.',
    snippets: {
      Express: `const publicUser = (u) => ({ id: u.id, name: u.name, email: u.email });

app.get('/api/users/:id', requireAuth, async (req, res) => {
  const user = await db.users.findById(req.params.id);
  if (!user) return res.status(404).end();
  res.json(publicUser(user)); // never res.json(user)
});`,
      Fastify: `fastify.get('/api/users/:id', {
  schema: {
    response: {
      200: { // fast-json-stringify sends only these properties
        type: 'object',
        properties: { id: { type: 'integer' }, name: { type: 'string' }, email: { type: 'string' } },
      },
    },
  },
}, async (req) => db.users.findById(req.params.id));`,
      NestJS: `export class UserEntity {
  id: number;
  name: string;
  @Exclude() passwordHash: string;
  @Exclude() apiKey: string;
}

app.useGlobalInterceptors(new ClassSerializerInterceptor(app.get(Reflector)));`,
      'Django/DRF': `class PublicUserSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ['id', 'name', 'email']  # never '__all__'`,
      Spring: `public record PublicUser(long id, String name, String email) {
    static PublicUser of(User u) { return new PublicUser(u.getId(), u.getName(), u.getEmail()); }
}
// and on the entity: @JsonIgnore private String passwordHash;`,
      Rails: `render json: user.as_json(only: %i[id name email])`,
      'Go net/http': `type User struct {
	ID           int64  \`json:"id"\`
	Name         string \`json:"name"\`
	PasswordHash string \`json:"-"\` // never serialized
	APIKey       string \`json:"-"\`
}`,
    },
    references: [
      'https://owasp.org/API-Security/editions/2023/en/0xa3-broken-object-property-level-authorization/',
      'https://cwe.mitre.org/data/definitions/213.html',
      'https://cheatsheetseries.owasp.org/cheatsheets/REST_Security_Cheat_Sheet.html',
    ],
  },
};
