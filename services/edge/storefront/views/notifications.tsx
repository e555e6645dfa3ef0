import { useState } from 'preact/hooks';
import { ErrorMessage, PageHeading } from '../components';
import { formatTime } from '../format';
import { href } from '../route';
import { useShop } from '../shop-context';

export function NotificationsView() {
  const shop = useShop();
  const [error, setError] = useState<unknown>();
  if (!shop.customer) {
    return (
      <div class="narrow">
        <PageHeading>Notifications</PageHeading>
        <p>
          <a href={href.signIn('notifications')}>Sign in</a> to see your notifications.
        </p>
      </div>
    );
  }
  return (
    <div class="narrow">
      <PageHeading>Notifications</PageHeading>
      <p class="hint">New ones appear here as they happen.</p>
      <ErrorMessage error={error} />
      {shop.notifications.length === 0 ? (
        <p>Nothing yet.</p>
      ) : (
        <ul class="notifications" aria-label="Your notifications, newest first">
          {shop.notifications.map((notification) => (
            <li key={notification.id} class={notification.readAt ? 'read' : 'unread'} data-type={notification.type}>
              <h2>
                {!notification.readAt && <span class="visually-hidden">Unread: </span>}
                {notification.title}
              </h2>
              <p>{notification.body}</p>
              <p class="hint">
                {formatTime(notification.createdAt)}
                {notification.orderId && (
                  <>
                    {' · '}
                    <a href={href.order(notification.orderId)}>See the order</a>
                  </>
                )}
              </p>
              {!notification.readAt && (
                <button
                  type="button"
                  class="link"
                  onClick={() => shop.markRead(notification).then(() => setError(undefined), setError)}
                >
                  Mark as read<span class="visually-hidden">: {notification.title}</span>
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
