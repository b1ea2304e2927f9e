<?php
/**
 * A real WordPress, driven from the command line, for the fidelity comparison.
 *
 *     php wp.php install            create the tables and the admin user
 *     php wp.php import FILE.xml    import an export with WordPress's own importer
 *     php wp.php import-with-authors FILE.xml
 *                                   the same, each author of the export made a user, as an
 *                                   administrator who picks "create a new user" for each does
 *     php wp.php render OUT.json    every published post and page, and its approved comments,
 *                                   as WordPress shows them to a reader
 *
 * Settings come from the environment (bench/fidelity/wordpress.py sets them):
 * WXRTOOL_WP_SOCKET (MariaDB's socket), WXRTOOL_WP_CONTENT (a writable wp-content),
 * WXRTOOL_WP_IMPORTER (the importer's src/ folder), WXRTOOL_WP_ROOT (WordPress's
 * files, /usr/share/wordpress for Debian's package). Debian's wp-config.php reads
 * /etc/wordpress; this script defines the same constants itself instead, so nothing
 * outside its temporary folder is written.
 */

$command = $argv[1] ?? '';
$_SERVER['HTTP_HOST'] = 'wordpress.test';
$_SERVER['SERVER_NAME'] = 'wordpress.test';
$_SERVER['REQUEST_URI'] = '/';
$_SERVER['REQUEST_METHOD'] = 'GET';
$_SERVER['SERVER_PROTOCOL'] = 'HTTP/1.1';

define('DB_NAME', 'wordpress');
define('DB_USER', 'root');
define('DB_PASSWORD', '');
define('DB_HOST', 'localhost:' . getenv('WXRTOOL_WP_SOCKET'));
define('DB_CHARSET', 'utf8mb4');
define('DB_COLLATE', '');
define('WP_CONTENT_DIR', getenv('WXRTOOL_WP_CONTENT'));
define('WP_CONTENT_URL', 'http://wordpress.test/wp-content');
define('WP_HOME', 'http://wordpress.test');
define('WP_SITEURL', 'http://wordpress.test');
define('WP_DEBUG', false);
define('DISABLE_WP_CRON', true);
define('AUTOMATIC_UPDATER_DISABLED', true);
define('WP_HTTP_BLOCK_EXTERNAL', true);  // nothing leaves the machine: see serve_placeholder()
if ($command === 'install') {
    define('WP_INSTALLING', true);  // wp-load would otherwise redirect to the installer and exit
}
$table_prefix = 'wp_';
define('ABSPATH', rtrim(getenv('WXRTOOL_WP_ROOT') ?: '/usr/share/wordpress', '/') . '/');
require ABSPATH . 'wp-settings.php';

/** Every remote file (attachments) answered with a placeholder of its type, so that
 * attachments, galleries and featured images exist as they did on the original site. */
function serve_placeholder($response, $args, $url) {
    $path = (string) parse_url($url, PHP_URL_PATH);
    $extension = strtolower(pathinfo($path, PATHINFO_EXTENSION));
    $width = 640;
    $height = 480;
    if (preg_match('/-(\d{1,4})x(\d{1,4})\.\w+$/', $path, $size)) {
        [$width, $height] = [max(1, (int) $size[1]), max(1, (int) $size[2])];
    }
    $data = placeholder_bytes($extension, $width, $height);
    if (!empty($args['filename'])) {
        file_put_contents($args['filename'], $data);
    }
    return array(
        'headers' => array('content-length' => strlen($data), 'content-type' => 'application/octet-stream'),
        'body' => empty($args['filename']) ? $data : '',
        'response' => array('code' => 200, 'message' => 'OK'),
        'cookies' => array(),
        'filename' => $args['filename'] ?? null,
    );
}

function placeholder_bytes($extension, $width, $height) {
    $image = in_array($extension, array('jpg', 'jpeg', 'jpe', 'png', 'gif', 'webp'), true)
        ? imagecreatetruecolor($width, $height) : null;
    if ($image) {
        ob_start();
        if ($extension === 'png') {
            imagepng($image);
        } elseif ($extension === 'gif') {
            imagegif($image);
        } elseif ($extension === 'webp') {
            imagewebp($image);
        } else {
            imagejpeg($image);
        }
        return ob_get_clean();
    }
    $magic = array('pdf' => "%PDF-1.4\n%%EOF\n", 'mp3' => "ID3\x03\x00\x00\x00\x00\x00\x00", 'zip' => "PK\x05\x06" . str_repeat("\0", 18));
    return ($magic[$extension] ?? "placeholder\n") . str_repeat(' ', 64);
}

function install_site() {
    require_once ABSPATH . 'wp-admin/includes/upgrade.php';
    wp_install('Fidelity', 'admin', 'admin@wordpress.test', true, '', 'admin-password-not-secret');
    update_option('permalink_structure', '/%year%/%monthnum%/%day%/%postname%/');
    update_option('thread_comments', 1);
    update_option('thread_comments_depth', 10);
    update_option('page_comments', 0);
    // The default post, page and comment would take ids an export may use.
    foreach (get_posts(array('post_type' => 'any', 'post_status' => 'any', 'numberposts' => -1)) as $post) {
        wp_delete_post($post->ID, true);
    }
    echo "installed\n";
}

function import_file($file, $create_authors = false) {
    define('WP_LOAD_IMPORTERS', true);
    require_once ABSPATH . 'wp-admin/includes/admin.php';
    require_once rtrim(getenv('WXRTOOL_WP_IMPORTER'), '/') . '/wordpress-importer.php';
    wp_set_current_user(1);
    add_filter('pre_http_request', 'serve_placeholder', 10, 3);
    add_filter('http_request_host_is_external', '__return_true');
    $importer = new WP_Import();
    $importer->fetch_attachments = true;
    if ($create_authors) {
        // The form the importer's second step posts: every author listed, none mapped to an
        // existing user, so each is created (WXR 1.1 and later; a 1.0 export's go to the admin).
        add_action('import_start', function () use ($importer) {
            $_POST['imported_authors'] = array_map('strval', array_keys($importer->authors));
        });
    }
    ob_start();
    $importer->import($file);
    $log = ob_get_clean();
    fwrite(STDERR, strip_tags(str_replace(array('<br />', '<br>'), "\n", $log)) . "\n");
}

/** A comment's text as comment_text() shows it, its parent and order as wp_list_comments() lists them. */
class Fidelity_Walker extends Walker_Comment {
    public $rows = array();

    public function start_el(&$output, $data_object, $depth = 0, $args = array(), $current_object_id = 0) {
        $comment = $data_object;
        $GLOBALS['comment'] = $comment;
        $this->rows[] = array(
            'id' => (int) $comment->comment_ID,
            'parent' => (int) $comment->comment_parent,
            'depth' => $depth,
            'type' => $comment->comment_type ?: 'comment',
            'author' => get_comment_author($comment),
            'html' => apply_filters('comment_text', get_comment_text($comment), $comment, array()),
        );
    }

    public function end_el(&$output, $data_object, $depth = 0, $args = array()) {
    }
}

function render_site($out) {
    global $post, $more;
    $rows = array();
    $query = new WP_Query(array(
        'post_type' => 'any', 'post_status' => 'publish', 'posts_per_page' => -1,
        'orderby' => 'ID', 'order' => 'ASC', 'has_password' => false,
    ));
    foreach ($query->posts as $item) {
        $post = $item;
        setup_postdata($post);
        $more = 1;  // the_content as on the post's own page: all of it, no "(more...)" link
        $walker = new Fidelity_Walker();
        $comments = get_comments(array('post_id' => $item->ID, 'status' => 'approve', 'order' => 'ASC'));
        wp_list_comments(array('walker' => $walker, 'echo' => false, 'max_depth' => 10, 'style' => 'div'), $comments);
        $rows[] = array(
            'id' => $item->ID,
            'type' => $item->post_type,
            'slug' => $item->post_name,
            'link' => get_permalink($item),
            'title' => get_the_title($item),
            'html' => apply_filters('the_content', get_the_content()),  // (the globals: $more as set above)
            'excerpt' => has_excerpt($item) ? get_the_excerpt($item) : '',
            'comments' => $walker->rows,
        );
    }
    wp_reset_postdata();
    file_put_contents($out, json_encode($rows, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_INVALID_UTF8_SUBSTITUTE));
    echo count($rows) . " items rendered\n";
}

if ($command === 'install') {
    install_site();
} elseif ($command === 'import') {
    import_file($argv[2]);
} elseif ($command === 'import-with-authors') {
    import_file($argv[2], true);
} elseif ($command === 'render') {
    render_site($argv[2]);
} else {
    fwrite(STDERR, "usage: php wp.php install | import FILE | import-with-authors FILE | render OUT.json\n");
    exit(2);
}
