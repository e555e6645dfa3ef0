import { ErrorMessage, Field, fieldInvalid, PageHeading } from '../components';
import { navigate } from '../navigation';
import { href } from '../route';
import { useShop } from '../shop-context';
import { useAction } from '../use-action';

/** Where to go after signing in: the page that asked (`next`), else the catalog. */
function after(next: string | undefined): string {
  return next ? `#/${next.replace(/^[#/]+/, '')}` : href.home();
}

export function SignInView({ next }: { next?: string }) {
  const shop = useShop();
  const { busy, error, run } = useAction();
  const submit = (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    return run(async () => {
      await shop.session.signIn(String(form.get('email') ?? '').trim(), String(form.get('password') ?? ''));
      navigate(after(next));
    });
  };
  return (
    <div class="narrow">
      <PageHeading>Sign in</PageHeading>
      {shop.cart && shop.cart.items.length > 0 && <p>The items in your cart come with you.</p>}
      <form onSubmit={submit} noValidate>
        <Field id="email" label="Email">
          <input id="email" name="email" type="email" autocomplete="username" required />
        </Field>
        <Field id="password" label="Password">
          <input id="password" name="password" type="password" autocomplete="current-password" required />
        </Field>
        <ErrorMessage error={error} />
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <p>
        New here? <a href={href.register(next)}>Create an account</a>
      </p>
    </div>
  );
}

export function RegisterView({ next }: { next?: string }) {
  const shop = useShop();
  const { busy, error, run } = useAction();
  const submit = (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    return run(async () => {
      await shop.session.register(
        String(form.get('name') ?? '').trim(),
        String(form.get('email') ?? '').trim(),
        String(form.get('password') ?? ''),
      );
      navigate(after(next));
    });
  };
  const invalid = (name: string) => (fieldInvalid(error, name) ? true : undefined);
  return (
    <div class="narrow">
      <PageHeading>Create an account</PageHeading>
      <form onSubmit={submit} noValidate>
        <Field id="name" label="Name">
          <input id="name" name="name" autocomplete="name" required aria-invalid={invalid('name')} />
        </Field>
        <Field id="email" label="Email">
          <input id="email" name="email" type="email" autocomplete="email" required aria-invalid={invalid('email')} />
        </Field>
        <Field id="password" label="Password" hint="At least 10 characters, not a common one and not your email.">
          <input
            id="password"
            name="password"
            type="password"
            autocomplete="new-password"
            required
            aria-describedby="password-hint"
            aria-invalid={invalid('password')}
          />
        </Field>
        <ErrorMessage error={error} />
        <button type="submit" disabled={busy}>
          {busy ? 'Creating your account…' : 'Create account'}
        </button>
      </form>
      <p>
        Have an account? <a href={href.signIn(next)}>Sign in</a>
      </p>
    </div>
  );
}
