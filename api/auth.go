package api

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"runtime"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
	echojwt "github.com/labstack/echo-jwt/v4"
	"github.com/labstack/echo/v4"

	"github.com/crossover-cci/crossover/models"
)

// Token settings: HS256, 15-minute access tokens, issuer and audience always checked.
const (
	accessLifetime = 15 * time.Minute
	tokenIssuer    = "crossover"
	tokenAudience  = "crossover-api"
	userIDKey      = "user_id"
	userKey        = "user"
	claimsKey      = "claims"
)

// claims are the access token's typed claims. IssuedAtUs is iat with microsecond precision, so that
// a token issued a moment before a password change is refused too. Session is the refresh family of
// the login the token belongs to: when the family is revoked (logout, refresh reuse), the token stops.
type claims struct {
	Role       string `json:"role"`
	IssuedAtUs int64  `json:"iat_us"`
	Session    string `json:"sid"`
	jwt.RegisteredClaims
}

type auth struct {
	secret []byte
	store  *models.Store
	log    *slog.Logger
	now    func() time.Time
	parser *jwt.Parser
	limits *limiters
	// hashing holds one place per password hash in progress (argon2id takes 19 MiB and a core for
	// tens of milliseconds): as many as there are cores, so that a burst of logins queues instead of
	// multiplying memory.
	hashing chan struct{}
}

func newAuth(secret []byte, store *models.Store, log *slog.Logger, now func() time.Time) *auth {
	return &auth{secret: secret, store: store, log: log, now: now, limits: newLimiters(now),
		hashing: make(chan struct{}, runtime.GOMAXPROCS(0)),
		parser: jwt.NewParser(
			jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
			jwt.WithExpirationRequired(),
			jwt.WithIssuedAt(),
			jwt.WithIssuer(tokenIssuer),
			jwt.WithAudience(tokenAudience),
			jwt.WithTimeFunc(now),
		)}
}

// issueAccess signs a 15-minute access token for u in the session (refresh family) given.
func (a *auth) issueAccess(u *models.User, session string) (string, error) {
	now := a.now()
	c := claims{Role: u.Role, IssuedAtUs: now.UnixMicro(), Session: session, RegisteredClaims: jwt.RegisteredClaims{
		Subject: u.ID, Issuer: tokenIssuer, Audience: jwt.ClaimStrings{tokenAudience},
		IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(accessLifetime)),
		ID: uuid.NewString(),
	}}
	return jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(a.secret)
}

// middleware authenticates with echo-jwt, then checks the account still exists, that the token was
// issued after the user's last password change and that its session has not ended (logout, refresh
// reuse); the role comes from the account, not the token. The session is read from the shared
// database on every request, so a logout through one replica ends the token on all of them.
func (a *auth) middleware() echo.MiddlewareFunc {
	parse := echojwt.WithConfig(echojwt.Config{
		ContextKey: claimsKey,
		ParseTokenFunc: func(c echo.Context, raw string) (any, error) {
			var cl claims
			tok, err := a.parser.ParseWithClaims(raw, &cl, func(*jwt.Token) (any, error) { return a.secret, nil })
			if err != nil || !tok.Valid {
				return nil, errors.New("invalid token")
			}
			return &cl, nil
		},
		ErrorHandler: func(c echo.Context, err error) error {
			return &apiError{Status: http.StatusUnauthorized, Code: "unauthenticated", Message: "Sign in first: a valid access token is required."}
		},
	})
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return parse(func(c echo.Context) error {
			cl := claimsFrom(c)
			if cl == nil {
				return errUnauthenticated()
			}
			u, err := a.store.CachedUserByID(c.Request().Context(), cl.Subject)
			if errors.Is(err, models.ErrNotFound) {
				return errUnauthenticated()
			}
			if err != nil {
				return err
			}
			if cl.IssuedAtUs < u.TokensValidAfter.UnixMicro() || cl.Session == "" {
				return errUnauthenticated()
			}
			live, err := a.store.SessionLive(c.Request().Context(), u.ID, cl.Session)
			if err != nil {
				return err
			}
			if !live {
				return errUnauthenticated()
			}
			c.Set(userKey, u)
			c.Set(userIDKey, u.ID)
			return next(c)
		})
	}
}

func errUnauthenticated() error {
	return &apiError{Status: http.StatusUnauthorized, Code: "unauthenticated", Message: "Sign in first: a valid access token is required."}
}

// claimsFrom returns the verified token claims, nil on public routes.
func claimsFrom(c echo.Context) *claims {
	cl, _ := c.Get(claimsKey).(*claims)
	return cl
}

// userFrom returns the authenticated account (set by the middleware).
func userFrom(c echo.Context) *models.User {
	u, _ := c.Get(userKey).(*models.User)
	return u
}

// requireRole lets only the listed roles through.
func requireRole(roles ...string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			u := userFrom(c)
			for _, r := range roles {
				if u != nil && u.Role == r {
					return next(c)
				}
			}
			return errForbidden("Your role may not do this.")
		}
	}
}

type registerRequest struct {
	Email           string `json:"email"`
	Password        string `json:"password"`
	DisplayName     string `json:"display_name"`
	AcceptTerms     *bool  `json:"accept_terms"`
	ConsentMatching *bool  `json:"consent_matching"`
}

type loginRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

type refreshRequest struct {
	RefreshToken string `json:"refresh_token"`
}

type userView struct {
	ID             string    `json:"id"`
	Email          string    `json:"email"`
	DisplayName    string    `json:"display_name"`
	Role           string    `json:"role"`
	MatchingPaused bool      `json:"matching_paused"`
	DigestOptOut   bool      `json:"digest_opt_out"`
	CreatedAt      time.Time `json:"created_at"`
}

func viewUser(u *models.User) userView {
	return userView{ID: u.ID, Email: u.Email, DisplayName: u.DisplayName, Role: u.Role,
		MatchingPaused: u.MatchingPaused, DigestOptOut: u.DigestOptOut, CreatedAt: u.CreatedAt}
}

type tokenResponse struct {
	User         userView `json:"user"`
	AccessToken  string   `json:"access_token"`
	RefreshToken string   `json:"refresh_token"`
	TokenType    string   `json:"token_type"`
	ExpiresIn    int      `json:"expires_in"`
}

func (a *auth) tokens(c echo.Context, status int, u *models.User, session models.Session) error {
	access, err := a.issueAccess(u, session.Family)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(status, tokenResponse{User: viewUser(u), AccessToken: access, RefreshToken: session.Refresh,
		TokenType: "Bearer", ExpiresIn: int(accessLifetime.Seconds())})
}

// hashSlot waits for a place to hash a password in, as long as the request may wait; a request that
// cannot get one is answered 503 with Retry-After and has checked and stored nothing.
func (a *auth) hashSlot(ctx context.Context) (release func(), err error) {
	select {
	case a.hashing <- struct{}{}:
		return func() { <-a.hashing }, nil
	case <-ctx.Done():
		return nil, &apiError{Status: http.StatusServiceUnavailable, Code: "busy", Message: "Too many sign-ins at once: try again in a few seconds."}
	}
}

func (a *auth) register(c echo.Context) error {
	var req registerRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	ip := c.RealIP()
	if _, err := reserve(slot{a.limits.register, ip}); err != nil {
		return err
	}
	ctx := c.Request().Context()
	release, err := a.hashSlot(ctx)
	if err != nil {
		return err
	}
	u, err := a.store.Register(ctx, models.Registration{Email: req.Email, Password: req.Password,
		DisplayName: req.DisplayName, AcceptTerms: req.AcceptTerms, ConsentMatching: req.ConsentMatching, IP: ip})
	release()
	if err != nil {
		return err
	}
	session, err := a.store.IssueRefresh(ctx, u.ID, "")
	if err != nil {
		return err
	}
	return a.tokens(c, http.StatusCreated, u, session)
}

// login reserves a failed-login place before the password is checked and gives it back when the
// password was right, so that a burst of guesses gets no more checks than the limit.
func (a *auth) login(c echo.Context) error {
	var req loginRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	ip, account := c.RealIP(), models.NormalizeEmail(req.Email)
	giveBack, err := a.limits.login(ip, account)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	release, err := a.hashSlot(ctx)
	if err != nil {
		giveBack()
		return err
	}
	u, err := a.store.Authenticate(ctx, req.Email, req.Password, ip)
	release()
	if errors.Is(err, models.ErrUnauthorized) {
		return &apiError{Status: http.StatusUnauthorized, Code: "invalid_credentials", Message: "The e-mail or the password is wrong."}
	}
	giveBack()
	if err != nil {
		return err
	}
	session, err := a.store.IssueRefresh(ctx, u.ID, "")
	if err != nil {
		return err
	}
	return a.tokens(c, http.StatusOK, u, session)
}

func (a *auth) refresh(c echo.Context) error {
	var req refreshRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	if req.RefreshToken == "" {
		return models.Invalid("refresh_token", "is required")
	}
	u, next, err := a.store.RotateRefresh(c.Request().Context(), req.RefreshToken, c.RealIP())
	if errors.Is(err, models.ErrUnauthorized) {
		return &apiError{Status: http.StatusUnauthorized, Code: "invalid_refresh_token", Message: "This refresh token is not valid: sign in again."}
	}
	if err != nil {
		return err
	}
	return a.tokens(c, http.StatusOK, u, next)
}

// logout ends the session the call was made with (its access token stops at once) and the refresh
// family named in the body, if it is the caller's; without a body, every session of the caller.
func (a *auth) logout(c echo.Context) error {
	u := userFrom(c)
	var req refreshRequest
	if c.Request().ContentLength != 0 {
		if err := bindJSON(c, &req); err != nil {
			return err
		}
	}
	ctx := c.Request().Context()
	if req.RefreshToken == "" {
		if err := a.store.RevokeAllSessions(ctx, u.ID); err != nil {
			return err
		}
	} else {
		if err := a.store.RevokeFamily(ctx, claimsFrom(c).Session); err != nil {
			return err
		}
		fam, err := a.store.FamilyOf(ctx, req.RefreshToken, u.ID)
		if err == nil {
			err = a.store.RevokeFamily(ctx, fam)
		}
		if err != nil && !errors.Is(err, models.ErrNotFound) {
			return err
		}
	}
	_ = a.store.Audit(ctx, &u.ID, c.RealIP(), "logout", "")
	return c.NoContent(http.StatusNoContent)
}

type passwordRequest struct {
	CurrentPassword string `json:"current_password"`
	NewPassword     string `json:"new_password"`
}

// changePassword ends every session, then signs the caller in again with a fresh pair. A wrong
// current password counts like a failed login (per account and per IP): a stolen access token must
// not buy unlimited guesses.
func (a *auth) changePassword(c echo.Context) error {
	var req passwordRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	u := userFrom(c)
	ctx := c.Request().Context()
	giveBack, err := a.limits.password(c.RealIP(), u.ID)
	if err != nil {
		return err
	}
	release, err := a.hashSlot(ctx)
	if err != nil {
		giveBack()
		return err
	}
	err = a.store.ChangePassword(ctx, u.ID, req.CurrentPassword, req.NewPassword, c.RealIP())
	release()
	if !models.IsFieldError(err, "current_password") {
		giveBack()
	}
	if err != nil {
		return err
	}
	u, err = a.store.UserByID(ctx, u.ID)
	if err != nil {
		return err
	}
	session, err := a.store.IssueRefresh(ctx, u.ID, "")
	if err != nil {
		return err
	}
	return a.tokens(c, http.StatusOK, u, session)
}
