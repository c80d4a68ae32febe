package api

import (
	"errors"
	"log/slog"
	"net/http"
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
// a token issued a moment before a password change is refused too.
type claims struct {
	Role       string `json:"role"`
	IssuedAtUs int64  `json:"iat_us"`
	jwt.RegisteredClaims
}

type auth struct {
	secret []byte
	store  *models.Store
	log    *slog.Logger
	now    func() time.Time
	parser *jwt.Parser
	limits *limiters
}

func newAuth(secret []byte, store *models.Store, log *slog.Logger, now func() time.Time) *auth {
	return &auth{secret: secret, store: store, log: log, now: now, limits: newLimiters(now),
		parser: jwt.NewParser(
			jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
			jwt.WithExpirationRequired(),
			jwt.WithIssuedAt(),
			jwt.WithIssuer(tokenIssuer),
			jwt.WithAudience(tokenAudience),
			jwt.WithTimeFunc(now),
		)}
}

// issueAccess signs a 15-minute access token for u.
func (a *auth) issueAccess(u *models.User) (string, error) {
	now := a.now()
	c := claims{Role: u.Role, IssuedAtUs: now.UnixMicro(), RegisteredClaims: jwt.RegisteredClaims{
		Subject: u.ID, Issuer: tokenIssuer, Audience: jwt.ClaimStrings{tokenAudience},
		IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(accessLifetime)),
		ID: uuid.NewString(),
	}}
	return jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(a.secret)
}

// middleware authenticates with echo-jwt, then checks the account still exists and that the token was
// issued after the user's last password change; the role comes from the account, not the token.
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
			if cl.IssuedAtUs < u.TokensValidAfter.UnixMicro() {
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

func (a *auth) tokens(c echo.Context, status int, u *models.User, refresh string) error {
	access, err := a.issueAccess(u)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(status, tokenResponse{User: viewUser(u), AccessToken: access, RefreshToken: refresh,
		TokenType: "Bearer", ExpiresIn: int(accessLifetime.Seconds())})
}

func (a *auth) register(c echo.Context) error {
	var req registerRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	ip := c.RealIP()
	if err := a.limits.register.allow(ip); err != nil {
		return err
	}
	u, err := a.store.Register(c.Request().Context(), models.Registration{Email: req.Email, Password: req.Password,
		DisplayName: req.DisplayName, AcceptTerms: req.AcceptTerms, ConsentMatching: req.ConsentMatching, IP: ip})
	if err != nil {
		return err
	}
	refresh, err := a.store.IssueRefresh(c.Request().Context(), u.ID, "")
	if err != nil {
		return err
	}
	return a.tokens(c, http.StatusCreated, u, refresh)
}

func (a *auth) login(c echo.Context) error {
	var req loginRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	ip, account := c.RealIP(), models.NormalizeEmail(req.Email)
	if err := a.limits.loginAllowed(ip, account); err != nil {
		return err
	}
	u, err := a.store.Authenticate(c.Request().Context(), req.Email, req.Password, ip)
	if errors.Is(err, models.ErrUnauthorized) {
		a.limits.loginFailed(ip, account)
		return &apiError{Status: http.StatusUnauthorized, Code: "invalid_credentials", Message: "The e-mail or the password is wrong."}
	}
	if err != nil {
		return err
	}
	refresh, err := a.store.IssueRefresh(c.Request().Context(), u.ID, "")
	if err != nil {
		return err
	}
	return a.tokens(c, http.StatusOK, u, refresh)
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

// logout revokes the refresh family named in the body; without a body, every session of the caller.
func (a *auth) logout(c echo.Context) error {
	u := userFrom(c)
	var req refreshRequest
	if c.Request().ContentLength != 0 {
		if err := bindJSON(c, &req); err != nil {
			return err
		}
	}
	ctx := c.Request().Context()
	if req.RefreshToken != "" {
		fam, err := a.store.FamilyOf(ctx, req.RefreshToken, u.ID)
		if err == nil {
			if err := a.store.RevokeFamily(ctx, fam); err != nil {
				return err
			}
		} else if !errors.Is(err, models.ErrNotFound) {
			return err
		}
	} else if err := a.store.RevokeAllSessions(ctx, u.ID); err != nil {
		return err
	}
	_ = a.store.Audit(ctx, &u.ID, c.RealIP(), "logout", "")
	return c.NoContent(http.StatusNoContent)
}

type passwordRequest struct {
	CurrentPassword string `json:"current_password"`
	NewPassword     string `json:"new_password"`
}

// changePassword ends every session, then signs the caller in again with a fresh pair.
func (a *auth) changePassword(c echo.Context) error {
	var req passwordRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	u := userFrom(c)
	ctx := c.Request().Context()
	if err := a.store.ChangePassword(ctx, u.ID, req.CurrentPassword, req.NewPassword, c.RealIP()); err != nil {
		return err
	}
	u, err := a.store.UserByID(ctx, u.ID)
	if err != nil {
		return err
	}
	refresh, err := a.store.IssueRefresh(ctx, u.ID, "")
	if err != nil {
		return err
	}
	return a.tokens(c, http.StatusOK, u, refresh)
}
