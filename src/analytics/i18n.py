"""All user-facing text, Vietnamese first and English complete, and Vietnamese number/date formats.

``t(key, lang, **values)`` looks a text up and fills it in. A test fails when a
key lacks either language.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

from babel.numbers import format_decimal

LANGS = ("vi", "en")
DEFAULT_LANG = "vi"

# key: (Vietnamese, English)
CATALOGUE: dict[str, tuple[str, str]] = {
    # app
    "app.title": ("Tiến độ số hóa sổ hộ tịch", "Civil-status book digitization progress"),
    "app.subtitle": ("Theo dõi tiến độ số hóa sổ hộ tịch theo từng xã", "Daily digitization progress by commune"),
    "app.demo_banner": ("DỮ LIỆU MẪU — số liệu minh họa, không phải số liệu thật",
                        "DEMO DATA — illustrative figures, not real data"),
    "app.demo_loaded": ("Cơ sở dữ liệu trống: đã nạp dữ liệu mẫu để xem thử. Tải tệp lên để thay bằng số liệu thật.",
                        "The database was empty: demo data has been loaded. Upload files to replace it with real figures."),
    "app.no_data": ("Chưa có số liệu báo cáo. Hãy tải tệp báo cáo lên ở trang Tải lên.",
                    "No reports yet. Upload a report file on the Upload page."),
    "app.error": ("Đã xảy ra lỗi: {message}", "An error occurred: {message}"),
    "nav.overview": ("Tổng quan", "Overview"),
    "nav.upload": ("Tải lên", "Upload"),
    "nav.underperformers": ("Đơn vị chậm tiến độ", "Underperformers"),
    "sidebar.province": ("Tỉnh/thành phố", "Province"),
    "sidebar.as_of": ("Số liệu đến ngày", "As of"),
    "sidebar.language": ("Ngôn ngữ", "Language"),
    "sidebar.campaign": ("{name}: {start} – {deadline}", "{name}: {start} – {deadline}"),
    # overview
    "overview.title": ("Tổng quan tiến độ", "Progress overview"),
    "kpi.completion": ("Tỷ lệ hoàn thành", "Completion"),
    "kpi.completion_help": ("Tổng số sổ đã số hóa / tổng số sổ của các xã đã báo cáo",
                            "Books digitized / books in total, over the communes that reported"),
    "kpi.books": ("Sổ đã số hóa / tổng số", "Books digitized / total"),
    "kpi.planned": ("Kế hoạch đến ngày", "Planned by today"),
    "kpi.days_left": ("Số ngày còn lại", "Days left"),
    "kpi.days_left_value": ("{days} ngày", "{days} days"),
    "kpi.overdue": ("Quá hạn {days} ngày", "{days} days overdue"),
    "kpi.required": ("Cần đạt mỗi ngày", "Needed per day"),
    "kpi.recent": ("Tốc độ 7 ngày qua", "Pace, last 7 days"),
    "kpi.per_day": ("{value} sổ/ngày", "{value} books/day"),
    "kpi.projected": ("Dự kiến hoàn thành", "Projected finish"),
    "kpi.projected_none": ("Chưa dự báo được", "Cannot be projected"),
    "kpi.projected_early": ("Sớm {days} ngày so với hạn", "{days} days before the deadline"),
    "kpi.projected_late": ("Trễ {days} ngày so với hạn", "{days} days after the deadline"),
    "kpi.projected_ontime": ("Đúng hạn", "On the deadline"),
    "kpi.reporting": ("Xã báo cáo hôm nay", "Communes reporting today"),
    "kpi.reporting_value": ("{done}/{total}", "{done}/{total}"),
    "kpi.behind": ("Xã chậm tiến độ", "Communes behind plan"),
    "kpi.not_reporting": ("Xã không báo cáo", "Communes not reporting"),
    "kpi.completed": ("Xã đã hoàn thành", "Communes completed"),
    "overview.trend": ("Tiến độ toàn tỉnh so với kế hoạch", "Province progress against plan"),
    "overview.by_district": ("Tỷ lệ hoàn thành theo huyện", "Completion by district"),
    "overview.deadline_passed": ("Đã quá hạn chót {deadline}.", "The deadline {deadline} has passed."),
    # charts
    "chart.actual": ("Thực tế", "Actual"),
    "chart.planned": ("Kế hoạch", "Plan"),
    "chart.goal": ("Mục tiêu 100 %", "Goal 100 %"),
    "chart.deadline": ("Hạn chót", "Deadline"),
    "chart.projection": ("Dự báo theo tốc độ hiện tại", "Projection at current pace"),
    "chart.completion_axis": ("Tỷ lệ hoàn thành (%)", "Completion (%)"),
    "chart.date_axis": ("Ngày", "Date"),
    "chart.district_axis": ("Huyện", "District"),
    "chart.planned_marker": ("Kế hoạch đến ngày", "Planned by today"),
    "chart.per_day": ("Sổ số hóa trong ngày", "Books digitized per day"),
    "chart.avg7": ("Trung bình 7 ngày", "7-day average"),
    "chart.books_axis": ("Số sổ", "Books"),
    "chart.as_of": ("Số liệu đến {date}", "Data as of {date}"),
    # status
    "status.done": ("Đã hoàn thành", "Completed"),
    "status.on_track": ("Đúng/vượt kế hoạch", "On or ahead of plan"),
    "status.slightly_behind": ("Chậm ≤ {amber} điểm", "Behind by ≤ {amber} points"),
    "status.behind": ("Chậm > {amber} điểm", "Behind by > {amber} points"),
    "status.no_data": ("Chưa báo cáo", "No report"),
    # chart images and the daily brief (issue 6)
    "image.source": ("Nguồn: báo cáo tiến độ của UBND các xã, phường, thị trấn (ứng dụng Số hóa hộ tịch)",
                     "Source: progress reports of the communes (civil-status digitization dashboard)"),
    "image.source_demo": ("Nguồn: DỮ LIỆU MẪU, số liệu minh họa, không phải số liệu thật",
                          "Source: DEMO DATA, illustrative figures, not real data"),
    "image.footer": ("{source} · Lập lúc {made}", "{source} · Made {made}"),
    "image.demo_mark": ("DỮ LIỆU MẪU", "DEMO DATA"),
    "image.download_png": ("Tải ảnh PNG", "Download PNG"),
    "image.download_help": ("Ảnh PNG 2000 px có tiêu đề, ngày số liệu, địa bàn, chú giải và nguồn",
                            "A 2000 px PNG with title, as-of date, area, legend and source"),
    "image.no_renderer": ("Máy chủ chưa có trình duyệt Chromium để tạo ảnh/PDF. Chạy scripts/setup.sh "
                          "(cài gói chromium) rồi khởi động lại. Vẫn có thể tải ảnh bằng nút máy ảnh trên biểu đồ.",
                          "The server has no Chromium browser to make images/PDF. Run scripts/setup.sh "
                          "(installs the chromium package) and restart. The chart's camera button still works."),
    "image.render_failed": ("Không tạo được ảnh ({detail}). Hãy thử lại; nếu vẫn lỗi, kiểm tra gói chromium.",
                            "The image could not be made ({detail}). Try again; if it persists, check chromium."),
    "brief.button": ("Báo cáo nhanh", "Daily brief"),
    "brief.help": ("Báo cáo một trang của ngày: số liệu chính, tiến độ, xếp hạng huyện và 10 xã chậm nhất",
                   "A one-page brief of the day: headline figures, progress, district ranking, ten worst communes"),
    "brief.png": ("ảnh PNG", "PNG image"),
    "brief.pdf": ("PDF khổ A4", "A4 PDF"),
    "brief.title": ("BÁO CÁO NHANH TIẾN ĐỘ SỐ HÓA SỔ HỘ TỊCH", "DAILY BRIEF: CIVIL-STATUS BOOK DIGITIZATION"),
    "brief.countdown": ("Còn {days} ngày đến hạn chót {deadline}", "{days} days to the deadline {deadline}"),
    "brief.overdue": ("Đã quá hạn chót {deadline} {days} ngày", "{days} days past the deadline {deadline}"),
    "brief.worst": ("10 xã chậm tiến độ nhất", "The ten communes furthest behind"),
    "brief.worst_none": ("Không có xã nào chậm tiến độ.", "No commune is behind."),
    "brief.more": ("(trong số {count} xã chậm hoặc không báo cáo)", "(of {count} communes behind or not reporting)"),
    "brief.written": ("Đã ghi báo cáo nhanh: {file} ({size} KB, {seconds} giây)",
                      "Brief written: {file} ({size} KB, {seconds} s)"),
    "brief.bad_out": ("Tệp đầu ra phải có đuôi .png hoặc .pdf: {file}", "The output file must end in .png or .pdf: {file}"),
    # underperformers
    "under.title": ("Đơn vị chậm tiến độ", "Underperforming communes"),
    "under.intro": ("Các xã chậm so với kế hoạch hoặc không báo cáo trong {window} ngày gần nhất, tính đến {date}.",
                    "Communes behind plan or without a report in the last {window} days, as of {date}."),
    "under.none": ("Không có xã nào chậm tiến độ.", "No commune is behind."),
    "under.count": ("{count} xã", "{count} communes"),
    "under.download_csv": ("Tải danh sách (CSV)", "Download the list (CSV)"),
    "reason.behind_schedule": ("Chậm so với kế hoạch", "Behind plan"),
    "reason.not_reporting": ("Không báo cáo", "Not reporting"),
    "reason.behind_points": ("chậm {points} điểm so với kế hoạch", "{points} points behind plan"),
    "reason.no_report_days": ("không báo cáo {days} ngày", "no report for {days} days"),
    "reason.never": ("chưa từng báo cáo", "never reported"),
    "col.rank": ("STT", "No."),
    "col.commune_code": ("Mã xã", "Commune code"),
    "col.commune": ("Xã/phường/thị trấn", "Commune"),
    "col.district": ("Huyện", "District"),
    "col.completion": ("Hoàn thành (%)", "Completion (%)"),
    "col.planned": ("Kế hoạch (%)", "Planned (%)"),
    "col.gap": ("Chênh lệch (điểm)", "Gap (points)"),
    "col.last_report": ("Báo cáo gần nhất", "Last report"),
    "col.reasons": ("Lý do", "Reasons"),
    "col.books_total": ("Tổng số sổ", "Books in total"),
    "col.books_digitized": ("Số sổ đã số hóa", "Books digitized"),
    "col.status": ("Tình trạng", "Status"),
    "col.row": ("Dòng", "Row"),
    "col.column": ("Cột", "Column"),
    "col.value": ("Giá trị", "Value"),
    "col.problem": ("Lỗi", "Problem"),
    "col.fix": ("Cách sửa", "How to fix"),
    "col.report_date": ("Ngày báo cáo", "Report date"),
    "col.records_digitized": ("Số trường hợp đã số hóa", "Records digitized"),
    "col.upload_id": ("Số", "No."),
    "col.uploaded_at": ("Thời gian", "Time"),
    "col.user": ("Người tải", "By"),
    "col.file": ("Tệp", "File"),
    "col.sha256": ("Mã băm (SHA-256)", "Hash (SHA-256)"),
    "col.rows": ("Số dòng", "Rows"),
    "col.outcome": ("Kết quả", "Outcome"),
    "outcome.loaded": ("Đã nạp", "Loaded"),
    "outcome.rejected": ("Bị từ chối", "Rejected"),
    "outcome.withdrawn": ("Đã rút", "Withdrawn"),
    # dashboard pages (issue 4): sidebar, overview, localities, underperformers, explanations, settings
    "nav.localities": ("Địa bàn", "Localities"),
    "nav.settings": ("Cài đặt", "Settings"),
    "sidebar.district": ("Huyện", "District"),
    "sidebar.all_districts": ("Toàn tỉnh", "Whole province"),
    "sidebar.measure": ("Chỉ tiêu", "Measure"),
    "measure.books": ("Số sổ", "Books"),
    "measure.records": ("Số trường hợp", "Records"),
    "calendar.vn": ("Ngày làm việc (trừ thứ Bảy, Chủ nhật, ngày lễ Việt Nam)",
                    "Working days (no weekends, Vietnamese public holidays)"),
    "calendar.weekdays": ("Thứ Hai – thứ Sáu", "Monday to Friday"),
    "calendar.all": ("Mọi ngày trong tuần", "Every day"),
    "overview.scope_district": ("Đang xem: {district}", "Showing: {district}"),
    "overview.trend_district": ("Tiến độ {district} so với kế hoạch", "{district}: progress against plan"),
    "kpi.change": ("{value} điểm so với {date}", "{value} points since {date}"),
    "kpi.of_total": ("{done}/{total} xã", "{done}/{total} communes"),
    "kpi.reporting_help": ("Số xã có báo cáo đúng ngày đang xem / tổng số xã (tỷ lệ báo cáo). "
                           "Báo cáo muộn: báo cáo của ngày này được tải lên sau hết ngày (giờ Việt Nam).",
                           "Communes with a report dated the day shown / all communes (reporting rate). "
                           "Late: a report for the day uploaded after the day ended (Vietnam time)."),
    "kpi.reporting_note": ("{rate} · muộn {late}", "{rate} · late {late}"),
    "kpi.books_total": ("trên tổng số {total} sổ", "of {total} books"),
    "kpi.books_short": ("Sổ đã số hóa", "Books digitized"),
    "kpi.required_short": ("Cần đạt (sổ/ngày)", "Needed (books/day)"),
    "kpi.recent_short": ("Tốc độ 7 ngày (sổ/ngày)", "7-day pace (books/day)"),
    "kpi.working_days": ("{days} ngày làm việc", "{days} working days"),
    "kpi.per_working_day": ("{value}/ngày làm việc", "{value}/working day"),
    "kpi.pace_ratio": ("Đạt {pct} tốc độ cần thiết", "{pct} of the pace needed"),
    "kpi.records": ("Số trường hợp đã số hóa", "Records digitized"),
    "chart.records_axis": ("Số trường hợp", "Records"),
    "chart.records_per_day": ("Số trường hợp số hóa trong ngày", "Records digitized per day"),
    "loc.title": ("Tiến độ theo địa bàn", "Progress by locality"),
    "loc.tab_districts": ("Xếp hạng huyện", "District league"),
    "loc.tab_communes": ("Xếp hạng xã", "Commune league"),
    "loc.tab_treemap": ("Bản đồ cây", "Treemap"),
    "loc.tab_heatmap": ("Bản đồ nhiệt", "Heat map"),
    "loc.filter": ("Lọc", "Filter"),
    "loc.filter.all": ("Tất cả", "All"),
    "loc.filter.top": ("N đơn vị đứng đầu", "Top N"),
    "loc.filter.bottom": ("N đơn vị cuối bảng", "Bottom N"),
    "loc.filter.below_average": ("Dưới mức bình quân toàn tỉnh/huyện", "Below the average"),
    "loc.filter.behind_plan": ("Chậm so với kế hoạch", "Behind plan"),
    "loc.filter.not_reporting": ("Không báo cáo", "Not reporting"),
    "loc.top_n": ("N", "N"),
    "loc.top_n_help": ("Số đơn vị khi lọc N đứng đầu hoặc N cuối bảng", "How many units for top N or bottom N"),
    "loc.count": ("Hiển thị {shown}/{total} đơn vị", "Showing {shown} of {total} units"),
    "loc.download_csv": ("Tải bảng (CSV)", "Download the table (CSV)"),
    "loc.province_average": ("Bình quân chung", "Average (all units)"),
    "loc.gap_help": ("Kế hoạch trừ thực tế, tính bằng điểm phần trăm (dương: chậm)",
                     "Plan minus actual in percentage points (positive: behind)"),
    "loc.pace_help": ("Số sổ số hóa bình quân mỗi ngày trong 7 ngày qua", "Books digitized per day, last 7 days"),
    "loc.needed_help": ("Số sổ cần số hóa mỗi ngày để xong đúng hạn", "Books per day needed to finish on time"),
    "loc.trend_help": ("Số sổ số hóa mỗi ngày trong 14 ngày gần nhất", "Books digitized per day, last 14 days"),
    "loc.no_districts": ("Danh mục không có cấp huyện.", "The unit list has no districts."),
    "loc.drill_district": ("Xem các xã của huyện", "Show the communes of"),
    "loc.click_district": ("Bấm vào một huyện trên biểu đồ để xem các xã của huyện đó.",
                           "Click a district on the chart to see its communes."),
    "loc.drill_title": ("Các xã của {district}", "Communes of {district}"),
    "loc.drill_clear": ("Đóng", "Close"),
    "loc.commune_detail": ("Chi tiết một xã", "One commune in detail"),
    "loc.pick_commune": ("Chọn xã", "Choose a commune"),
    "loc.pick_commune_none": ("— chọn xã —", "— choose —"),
    "loc.explanations": ("Giải trình", "Explanations"),
    "loc.no_explanations": ("Chưa có giải trình.", "No explanation yet."),
    "loc.history": ("Lịch sử báo cáo", "Report history"),
    "loc.uploads": ("Các lần tải lên có xã này", "Uploads naming this commune"),
    "loc.treemap": ("Số sổ theo huyện và xã, màu theo tình trạng", "Books by district and commune, coloured by status"),
    "loc.treemap_help": ("Diện tích ô tỷ lệ với tổng số sổ; bấm vào một huyện để xem các xã.",
                         "Area is proportional to books in total; click a district to see its communes."),
    "loc.heatmap": ("Số sổ số hóa mỗi ngày theo xã", "Books digitized per day by commune"),
    "loc.heatmap_help": ("Ô màu cam: không tăng trong ngày; ô trống: chưa có báo cáo. Các xã đứng yên lâu nhất "
                         "nằm trên cùng.",
                         "Orange: no progress that day; blank: no report yet. The communes stalled longest are on top."),
    "loc.heat_days": ("Số ngày", "Days"),
    "reason.not_completed": ("chưa hoàn thành khi đã hết hạn", "not completed by the deadline"),
    "under.intro_after": ("Đã quá hạn chót: các xã chưa hoàn thành, chậm kế hoạch hoặc không báo cáo trong {window} "
                          "ngày gần nhất, tính đến {date}.",
                          "The deadline has passed: communes not completed, behind plan or without a report in the "
                          "last {window} days, as of {date}."),
    "under.download_xlsx": ("Tải báo cáo (Excel)", "Download the report (Excel)"),
    "under.by_district": ("Theo huyện", "By district"),
    "under.col_count": ("Số xã", "Communes"),
    "under.col_not_completed": ("Chưa hoàn thành khi hết hạn", "Not completed by the deadline"),
    "under.col_explained": ("Đã giải trình", "Explained"),
    "col.explanation": ("Giải trình", "Explanation"),
    "col.explained_on": ("Ngày giải trình", "Explained on"),
    "col.new_completion_date": ("Cam kết hoàn thành", "Committed completion"),
    "col.responsible": ("Người chịu trách nhiệm", "Responsible"),
    "col.pace7": ("Tốc độ 7 ngày (sổ/ngày)", "7-day pace (books/day)"),
    "col.needed": ("Cần đạt (sổ/ngày)", "Needed (books/day)"),
    "col.projected": ("Dự kiến hoàn thành", "Projected finish"),
    "col.trend14": ("14 ngày qua", "Last 14 days"),
    "col.reports_dropped": ("Số báo cáo không còn được tính", "Reports no longer counted"),
    "col.old_name": ("Tên cũ", "Old name"),
    "col.old_district": ("Huyện cũ", "Old district"),
    "explain.sign_in_to_record": ("Đăng nhập bằng tài khoản cán bộ (tải lên hoặc quản trị) để ghi giải trình.",
                                  "Sign in with a staff account (uploader or admin) to record explanations."),
    "explain.title": ("Ghi nhận giải trình", "Record an explanation"),
    "explain.commune": ("Xã", "Commune"),
    "explain.date": ("Ngày giải trình", "Date given"),
    "explain.new_date": ("Cam kết hoàn thành vào ngày", "Committed completion date"),
    "explain.reason": ("Lý do đơn vị nêu", "Reason given by the unit"),
    "explain.responsible": ("Người chịu trách nhiệm", "Responsible person"),
    "explain.save": ("Lưu giải trình", "Save the explanation"),
    "explain.saved": ("Đã lưu giải trình của {commune}.", "Explanation of {commune} saved."),
    "explain.all": ("Tất cả giải trình ({count})", "All explanations ({count})"),
    "explain.commit_short": ("cam kết xong {date}", "committed to finish by {date}"),
    "explain.responsible_short": ("phụ trách: {name}", "responsible: {name}"),
    "explain.reason_empty": ("Hãy ghi lý do đơn vị nêu", "Write the reason the unit gave"),
    "explain.unknown_commune": ("Không có xã mã {commune}", "No commune with code {commune}"),
    "explain.commitment_before": ("Ngày cam kết ({date}) không được trước ngày giải trình",
                                  "The committed date ({date}) cannot be before the date given"),
    "explain.unknown": ("Không có giải trình số {id}", "No explanation number {id}"),
    "export.sheet": ("Đơn vị chậm tiến độ", "Underperformers"),
    "export.title": ("DANH SÁCH ĐƠN VỊ CHẬM TIẾN ĐỘ SỐ HÓA SỔ HỘ TỊCH — {province}",
                     "COMMUNES BEHIND IN CIVIL-STATUS BOOK DIGITIZATION — {province}"),
    "export.subtitle": ("{campaign}. Số liệu đến ngày {date}.", "{campaign}. Figures as of {date}."),
    "export.count": ("Tổng số: {count} đơn vị", "In total: {count} communes"),
    "export.district_row": ("{district} ({count} đơn vị)", "{district} ({count} communes)"),
    "settings.title": ("Cài đặt", "Settings"),
    "settings.campaign": ("Đợt số hóa và ngưỡng đánh giá", "Campaign and thresholds"),
    "settings.campaign_name": ("Tên đợt", "Campaign name"),
    "settings.start": ("Ngày bắt đầu", "Start date"),
    "settings.deadline": ("Hạn chót", "Deadline"),
    "settings.amber": ("Ngưỡng \"chậm ít\" (điểm %)", "\"Slightly behind\" threshold (points)"),
    "settings.amber_help": ("Chậm đến ngưỡng này: màu cam; chậm hơn: màu đỏ",
                            "Behind by up to this: amber; more: red"),
    "settings.window": ("Số ngày không báo cáo", "Not-reporting window (days)"),
    "settings.window_help": ("Xã không có báo cáo nào trong số ngày này (tính cả ngày đang xem) là không báo cáo",
                             "A commune without a report within this many days (the day shown included) is not reporting"),
    "settings.calendar": ("Lịch ngày làm việc", "Working-day calendar"),
    "settings.save": ("Lưu cài đặt", "Save the settings"),
    "settings.saved": ("Đã lưu cài đặt.", "Settings saved."),
    "settings.legend": ("Tình trạng hiện dùng: {legend}", "Statuses in use: {legend}"),
    "settings.holidays": ("Trong đợt có {days} ngày làm việc; ngày lễ: {list}.",
                          "The campaign has {days} working days; public holidays: {list}."),
    "settings.units": ("Danh mục đơn vị hành chính", "Unit list"),
    "settings.units_help": ("Tải lên danh mục mới (CSV theo mẫu: province_code, province_name, district_code, "
                            "district_name, commune_code, commune_name, commune_type), ví dụ tỉnh khác hoặc cấu trúc "
                            "hai cấp 2025. Xem trước các thay đổi rồi mới áp dụng.",
                            "Upload a new unit list (CSV in the shipped format), e.g. another province or the "
                            "two-level 2025 structure. Preview the changes before applying them."),
    "settings.units_file": ("Chọn tệp danh mục (CSV)", "Choose a unit list (CSV)"),
    "settings.units_preview": ("{communes} xã của tỉnh {provinces}: {added} thêm, {removed} bỏ, {renamed} đổi tên "
                               "hoặc chuyển huyện; {orphaned} báo cáo của các xã bị bỏ sẽ không còn được tính.",
                               "{communes} communes of province {provinces}: {added} added, {removed} removed, "
                               "{renamed} renamed or moved; {orphaned} reports of removed communes will stop counting."),
    "settings.units_added": ("Xã thêm mới ({count})", "Communes added ({count})"),
    "settings.units_removed": ("Xã bị bỏ ({count})", "Communes removed ({count})"),
    "settings.units_renamed": ("Xã đổi tên hoặc chuyển huyện ({count})", "Communes renamed or moved ({count})"),
    "settings.units_apply": ("Áp dụng danh mục mới", "Apply the new unit list"),
    "settings.units_done": ("Đã áp dụng danh mục: {communes} xã.", "Unit list applied: {communes} communes."),
    # upload
    "upload.title": ("Tải lên số liệu báo cáo", "Upload report figures"),
    "upload.help": ("Tệp CSV hoặc Excel (.xlsx), mỗi dòng một xã, theo mẫu.",
                    "A CSV or Excel (.xlsx) file, one row per commune, as in the template."),
    "upload.file": ("Chọn tệp báo cáo", "Choose report files"),
    "upload.date": ("Ngày báo cáo (khi tệp không có cột ngày)", "Report date (when the file has no date column)"),
    "upload.use_date": ("Tệp không có cột ngày: dùng ngày dưới đây", "The file has no date column: use this date"),
    "upload.check": ("Kiểm tra", "Check"),
    "upload.confirm": ("Xác nhận nạp số liệu", "Confirm and load"),
    "upload.confirm_warnings": ("Tôi đã xem các cảnh báo và vẫn muốn nạp", "I have read the warnings and still want to load"),
    "upload.ok": ("Đã nạp {rows} dòng ({communes} xã) từ tệp {file}, ngày {dates}.",
                  "Loaded {rows} rows ({communes} communes) from {file}, dates {dates}."),
    "upload.unchanged": ("Tệp {file} đã được nạp trước đây (lần tải lên số {upload_id}): không có gì thay đổi.",
                         "{file} was loaded before (upload {upload_id}): nothing changed."),
    "upload.rejected": ("Tệp {file} bị từ chối: {count} lỗi. Không có số liệu nào được ghi.",
                        "{file} was rejected: {count} errors. Nothing was written."),
    "upload.warnings": ("{count} cảnh báo", "{count} warnings"),
    "upload.preview": ("Xem trước số liệu sẽ nạp", "Preview of what will be loaded"),
    "upload.summary": ("{rows} dòng, {communes} xã, ngày {dates}: {new} báo cáo mới, {replaced} báo cáo thay thế.",
                       "{rows} rows, {communes} communes, dates {dates}: {new} new reports, {replaced} replaced."),
    "upload.recognized": ("Đã nhận dạng: trang tính {sheet}, dòng tiêu đề {header_row}, cột: {columns}.",
                          "Recognized: sheet {sheet}, header row {header_row}, columns: {columns}."),
    "upload.templates": ("Tải mẫu báo cáo", "Download a template"),
    "upload.template_csv": ("Mẫu CSV", "CSV template"),
    "upload.template_xlsx": ("Mẫu Excel", "Excel template"),
    "upload.history": ("Lịch sử tải lên", "Upload history"),
    "upload.errors_table": ("Danh sách lỗi", "Errors"),
    # problems found in files
    "ingest.rejected": ("Tệp {file} bị từ chối ({count} lỗi)", "File {file} rejected ({count} problems)"),
    "read.empty": ("Tệp trống, không có dòng số liệu nào", "The file is empty: no data rows"),
    "read.no_rows": ("Tệp không có dòng số liệu nào dưới dòng tiêu đề", "No data rows under the header"),
    "read.not_table": ("Tệp không phải bảng số liệu (có thể là ảnh hoặc tệp nhị phân đổi tên)",
                       "The file is not a table (perhaps an image or binary file renamed)"),
    "read.bad_csv": ("Không đọc được tệp CSV ({detail})", "The CSV file cannot be read ({detail})"),
    "read.bad_excel": ("Không đọc được tệp Excel ({detail})", "The Excel file cannot be read ({detail})"),
    "read.no_sheet": ("Không có trang tính {sheet} (có: {sheets})", "No sheet {sheet} (there are: {sheets})"),
    "read.xls_unsupported": ("Tệp .xls đời cũ chưa đọc được", "Legacy .xls files cannot be read yet"),
    "read.too_large": ("Tệp quá lớn ({size_mb} MB, tối đa {limit_mb} MB)",
                       "The file is too large ({size_mb} MB, at most {limit_mb} MB)"),
    "check.missing_column": ("Thiếu cột bắt buộc: {missing}", "Required column missing: {missing}"),
    "check.date_missing": ("Không có ngày báo cáo", "No report date"),
    "check.date_differs": ("Ngày trong tệp khác ngày đã chọn ({given})",
                           "The date in the file differs from the date given ({given})"),
    "check.no_commune": ("Dòng không có mã xã hay tên xã", "The row has neither a commune code nor a name"),
    "check.unknown_commune": ("Không tìm thấy xã này trong danh mục. Gần giống: {candidates}",
                              "No such commune in the unit list. Closest: {candidates}"),
    "check.ambiguous_commune": ("Tên xã trùng với nhiều đơn vị: {candidates}",
                                "The name matches several communes: {candidates}"),
    "check.name_mismatch_commune": ("Mã xã và tên xã không khớp nhau; theo danh mục mã này là {candidates}",
                                    "The code and the name disagree; the unit list gives this code to {candidates}"),
    "check.unknown_district": ("Không tìm thấy huyện này. Gần giống: {candidates}",
                               "No such district. Closest: {candidates}"),
    "check.ambiguous_district": ("Tên huyện trùng với nhiều đơn vị: {candidates}",
                                 "The district name matches several districts: {candidates}"),
    "check.total_missing": ("Thiếu tổng số sổ và danh mục chưa có chỉ tiêu của xã này",
                            "Books in total missing and the unit list has no target for this commune"),
    "check.digitized_missing": ("Thiếu số sổ đã số hóa", "Books digitized missing"),
    "check.over_total": ("Số sổ đã số hóa lớn hơn tổng số sổ ({total})",
                         "Books digitized exceed books in total ({total})"),
    "check.duplicate": ("Xã này đã có ở dòng {first_row} cùng ngày với số liệu khác",
                        "This commune already appears on row {first_row} for the same date with other figures"),
    "check.duplicate_same": ("Dòng lặp lại dòng {first_row} (cùng số liệu): bỏ qua",
                             "Repeats row {first_row} with the same figures: ignored"),
    "check.lower_than_before": ("Số đã số hóa thấp hơn báo cáo trước ({previous} ngày {date})",
                                "Books digitized lower than the previous report ({previous} on {date})"),
    "value.not_number": ("Không phải là số", "Not a number"),
    "value.not_whole": ("Không phải số nguyên", "Not a whole number"),
    "value.negative": ("Số âm", "Negative number"),
    "value.bad_date": ("Ngày không đọc được", "Unreadable date"),
    "fix.send_table": ("Gửi tệp CSV hoặc Excel theo mẫu báo cáo", "Send a CSV or Excel file following the template"),
    "fix.pick_sheet": ("Chọn một trang tính có trong tệp", "Pick a sheet that exists in the file"),
    "fix.save_xlsx": ("Mở tệp bằng Excel và lưu lại dạng .xlsx", "Open the file in Excel and save it as .xlsx"),
    "fix.split_file": ("Chia nhỏ tệp hoặc bỏ các trang tính không cần thiết",
                       "Split the file or remove sheets that are not needed"),
    "fix.add_column": ("Thêm cột này (xem tệp mẫu) hoặc sửa tên cột cho đúng",
                       "Add this column (see the template) or correct its header"),
    "fix.date_format": ("Ghi ngày theo dạng ngày/tháng/năm, ví dụ 25/02/2025",
                        "Write the date as day/month/year, e.g. 25/02/2025"),
    "fix.date_give": ("Điền ngày báo cáo vào cột ngày, hoặc chọn ngày khi tải lên (--date)",
                      "Fill in the report date, or give it when uploading (--date)"),
    "fix.date_same": ("Sửa ngày trong tệp hoặc chọn đúng ngày khi tải lên",
                      "Correct the date in the file or give the right date when uploading"),
    "fix.whole_number": ("Ghi số nguyên không âm, ví dụ 1234 hoặc 1.234",
                         "Write a whole number ≥ 0, e.g. 1234 or 1.234"),
    "fix.give_commune": ("Điền mã xã hoặc tên xã", "Fill in the commune code or name"),
    "fix.check_name": ("Kiểm tra mã/tên theo danh mục đơn vị hành chính", "Check the code or name against the unit list"),
    "fix.total_give": ("Điền tổng số sổ của xã", "Fill in the commune's books in total"),
    "fix.over_total": ("Kiểm tra lại hai số liệu: số đã số hóa không thể vượt tổng số",
                       "Check both figures: digitized cannot exceed the total"),
    "fix.remove_duplicate": ("Giữ lại một dòng cho mỗi xã và ngày", "Keep one row per commune and date"),
    "fix.confirm_correction": ("Nếu đây là số liệu đính chính, hãy xác nhận khi tải lên",
                               "If this is a correction, confirm it when uploading"),
    # import of real-world files (issue 3)
    "read.too_many_rows": ("Tệp có quá nhiều dòng (tối đa {limit} dòng)", "The file has too many rows (at most {limit})"),
    "read.bomb": ("Tệp Excel khi giải nén quá lớn (tối đa {limit_mb} MB): có thể là tệp hỏng hoặc độc hại",
                  "The Excel file expands too far (at most {limit_mb} MB): damaged or hostile"),
    "read.tcvn3_converted": ("Tệp dùng bảng mã cũ TCVN3 (ABC, phông .VnTime): đã chuyển sang Unicode, hãy kiểm tra "
                             "tên xã trong phần xem trước",
                             "The file uses the legacy TCVN3 (ABC, .VnTime fonts) encoding: converted to Unicode; "
                             "check the names in the preview"),
    "fix.tcvn3_converted": ("Lần sau hãy lưu tệp bằng Unicode (phông Times New Roman, bảng mã Unicode)",
                            "Next time save the file in Unicode (Times New Roman font, Unicode encoding)"),
    "read.several_sheets": ("Nhiều trang tính có bảng số liệu ({sheets}): đã đọc trang {sheet}",
                            "Several sheets hold a table ({sheets}): read {sheet}"),
    "fix.several_sheets": ("Nếu cần trang khác, hãy chọn trang tính khi tải lên (--sheet)",
                           "To read another, pick the sheet when uploading (--sheet)"),
    "check.date_ambiguous": ("Không xác định được ngày báo cáo: tệp ghi nhiều ngày ({dates})",
                             "The report date is unclear: the file states several dates ({dates})"),
    "check.date_title_differs": ("Ngày ghi trong tệp ({stated}) khác ngày đã chọn ({given}): dùng ngày đã chọn",
                                 "The date stated in the file ({stated}) differs from the date given ({given}): "
                                 "the date given is used"),
    "check.date_future": ("Ngày báo cáo ở tương lai (hôm nay là {today})", "The report date is in the future (today is {today})"),
    "check.date_before_campaign": ("Ngày báo cáo trước ngày bắt đầu đợt ({start}): được nạp như số liệu đầu kỳ",
                                   "The report date is before the campaign start ({start}): loaded as a baseline"),
    "fix.confirm_date": ("Nếu đây là số liệu đầu kỳ, hãy xác nhận; nếu không, sửa lại ngày",
                         "If this is the baseline, confirm; otherwise correct the date"),
    "check.total_mismatch": ("Dòng tổng '{text}' ghi {stated}, tổng các xã trong tệp là {computed}",
                             "The total row '{text}' states {stated}; the communes of the file add up to {computed}"),
    "check.subtotal_mismatch": ("Dòng cộng '{text}' ghi {stated}, tổng các xã của huyện trong tệp là {computed}",
                                "The subtotal '{text}' states {stated}; the district's communes add up to {computed}"),
    "check.pct_mismatch": ("Tỷ lệ ghi trong tệp khác tỷ lệ tính từ số liệu ({computed} %)",
                           "The percentage stated differs from the one the figures give ({computed} %)"),
    "fix.check_total": ("Kiểm tra lại số liệu hoặc công thức tính tổng trong tệp",
                        "Check the figures or the sum formulas in the file"),
    "check.more_errors": ("… và {count} lỗi khác", "… and {count} more problems"),
    "fix.more_errors": ("Sửa các lỗi trên rồi tải lại để xem tiếp", "Fix the problems above and upload again"),
    "upload.recognized_detail": ("Trang tính: {sheet} · dòng tiêu đề: {header_row} · ngày báo cáo: {date} ({source}) · "
                                 "dòng đọc được: {rows_read} · xã khớp: {communes}",
                                 "Sheet: {sheet} · header row: {header_row} · report date: {date} ({source}) · "
                                 "rows read: {rows_read} · communes matched: {communes}"),
    "upload.columns_mapped": ("Cột nhận dạng", "Columns recognized"),
    "upload.column_in_file": ("Cột trong tệp", "Column in the file"),
    "upload.column_meaning": ("Ý nghĩa", "Meaning"),
    "upload.skipped": ("Dòng tiêu đề huyện, dòng cộng và dòng tổng (không nạp như xã): {count}",
                       "District headings, subtotals and totals (not loaded as communes): {count}"),
    "upload.ignored_columns": ("Cột bỏ qua: {columns}", "Columns ignored: {columns}"),
    "upload.date_source.column": ("cột ngày", "date column"),
    "upload.date_source.form": ("ngày đã chọn", "date given"),
    "upload.date_source.title": ("dòng tiêu đề", "title line"),
    "upload.date_source.file_name": ("tên tệp", "file name"),
    "upload.change": ("Thay đổi", "Change"),
    "upload.change_detail": ("{new} báo cáo mới, {replaced} báo cáo thay thế · tỷ lệ hoàn thành toàn tỉnh đến "
                             "{as_of}: {before} → {after}",
                             "{new} new reports, {replaced} replaced · province completion as of {as_of}: "
                             "{before} → {after}"),
    "upload.errors_title": ("Lỗi (tệp bị từ chối, không có gì được ghi)", "Errors (the file is rejected, nothing written)"),
    "upload.warnings_title": ("Cảnh báo (cần xác nhận trước khi nạp)", "Warnings (confirm before loading)"),
    "upload.sheet_pick": ("Trang tính", "Sheet"),
    "upload.pick_unit": ("Chọn đơn vị đúng cho tên '{name}' (dòng {row}); lựa chọn được ghi nhớ cho lần sau",
                         "Pick the right unit for '{name}' (row {row}); the choice is remembered"),
    "upload.pick_none": ("— chưa chọn —", "— not chosen —"),
    "upload.save_aliases": ("Ghi nhớ các lựa chọn và kiểm tra lại", "Remember these choices and check again"),
    "upload.aliases_saved": ("Đã ghi nhớ {count} tên gọi.", "Remembered {count} names."),
    "upload.withdraw": ("Rút lần tải lên", "Withdraw an upload"),
    "upload.withdraw_pick": ("Lần tải lên cần rút", "Upload to withdraw"),
    "upload.withdraw_confirm": ("Rút và khôi phục số liệu trước đó", "Withdraw and restore the previous figures"),
    "upload.withdrawn": ("Đã rút lần tải lên số {upload_id}: {count} báo cáo được khôi phục về số liệu trước.",
                         "Upload {upload_id} withdrawn: {count} reports restored to their previous figures."),
    "upload.nothing_to_withdraw": ("Không có lần tải lên nào để rút.", "No upload to withdraw."),
    "upload.loaded_here": ("Đã nạp.", "Loaded."),
    "upload.help_formats": ("Nhận tệp Excel (.xlsx, .xls) và CSV (UTF-8, UTF-16, Windows-1258), kể cả mẫu báo cáo "
                            "hành chính có dòng tiêu đề, dòng huyện và dòng tổng cộng. Không có gì được ghi cho đến khi "
                            "bạn xác nhận.",
                            "Excel (.xlsx, .xls) and CSV (UTF-8, UTF-16, Windows-1258) files are accepted, including "
                            "official report layouts with title lines, district rows and totals. Nothing is written "
                            "until you confirm."),
    # other errors
    "db.busy": ("Cơ sở dữ liệu {path} đang bận (đã chờ {seconds} giây). Hãy thử lại sau.",
                "The database {path} is busy (waited {seconds} s). Try again later."),
    # --- access, accounts, audit, backup (issue 7) ---
    "db.waiting": ("Cơ sở dữ liệu đang được ghi bởi tiến trình khác; đang chờ…",
                   "Another process is writing to the database; waiting…"),
    "auth.sign_in_needed": ("Cần đăng nhập để thực hiện thao tác này.", "Sign in to do this."),
    "auth.bad_login": ("Sai tên đăng nhập hoặc mật khẩu.", "Wrong user name or password."),
    "auth.bad_name": ("Tên đăng nhập không hợp lệ: {name} (chữ thường, số, . _ - @ +).",
                      "Invalid user name: {name} (lower-case letters, digits, . _ - @ +)."),
    "auth.bad_role": ("Vai trò không hợp lệ: {role} (chọn: {roles}).", "Invalid role: {role} (one of: {roles})."),
    "auth.bad_scope": ("Phạm vi không hợp lệ: {scope} (ví dụ district:502, commune:20335).",
                       "Invalid assignment: {scope} (e.g. district:502, commune:20335)."),
    "auth.unknown_scope": ("Không có đơn vị {scope} trong danh mục.", "No unit {scope} in the unit list."),
    "auth.password_short": ("Mật khẩu cần ít nhất {min} ký tự.", "The password needs at least {min} characters."),
    "auth.password_long": ("Mật khẩu dài quá {max} byte.", "The password is longer than {max} bytes."),
    "auth.user_exists": ("Tài khoản {name} đã có.", "Account {name} already exists."),
    "auth.unknown_user": ("Không có tài khoản {name}.", "No account {name}."),
    "auth.user_added": ("Đã tạo tài khoản {name} ({role}).", "Account {name} ({role}) created."),
    "auth.password_set": ("Đã đặt mật khẩu mới cho {name}.", "New password set for {name}."),
    "auth.user_changed": ("Đã cập nhật tài khoản {name}.", "Account {name} updated."),
    "auth.passwords_differ": ("Hai mật khẩu không khớp.", "The two passwords differ."),
    "auth.no_account": ("Tài khoản {email} chưa được cấp quyền. Hãy liên hệ quản trị viên.",
                        "The account {email} has no access yet. Ask an administrator."),
    "auth.open_mode": ("Chưa có tài khoản nào: ai cũng có thể tải lên và thay đổi cài đặt. Hãy tạo tài khoản quản trị "
                       "(python -m analytics users add TÊN --role admin).",
                       "No accounts yet: anyone can upload and change settings. Create an admin account "
                       "(python -m analytics users add NAME --role admin)."),
    "login.title": ("Đăng nhập", "Sign in"),
    "login.name": ("Tên đăng nhập", "User name"),
    "login.password": ("Mật khẩu", "Password"),
    "login.submit": ("Đăng nhập", "Sign in"),
    "login.oidc": ("Đăng nhập bằng tài khoản tổ chức", "Sign in with your organisation account"),
    "login.signed_in_as": ("Đăng nhập: {name} ({role})", "Signed in: {name} ({role})"),
    "login.sign_out": ("Đăng xuất", "Sign out"),
    "login.view_open": ("Xem số liệu không cần đăng nhập; đăng nhập để tải lên hoặc quản trị.",
                        "Viewing needs no sign-in; sign in to upload or administer."),
    "login.required": ("Cần đăng nhập để xem số liệu.", "Sign in to see the figures."),
    "role.viewer": ("Xem", "Viewer"),
    "role.uploader": ("Cập nhật số liệu", "Uploader"),
    "role.admin": ("Quản trị", "Administrator"),
    "nav.login": ("Đăng nhập", "Sign in"),
    "nav.admin": ("Quản trị", "Administration"),
    "admin.title": ("Quản trị: tài khoản và nhật ký", "Administration: accounts and audit log"),
    "admin.users": ("Tài khoản", "Accounts"),
    "admin.add_user": ("Thêm tài khoản", "Add an account"),
    "admin.role": ("Vai trò", "Role"),
    "admin.scopes": ("Phạm vi được giao (mỗi dòng: district:MÃ hoặc commune:MÃ)",
                     "Assigned units (one a line: district:CODE or commune:CODE)"),
    "admin.display_name": ("Họ tên", "Full name"),
    "admin.password_repeat": ("Nhập lại mật khẩu", "Repeat the password"),
    "admin.save": ("Lưu", "Save"),
    "admin.edit_user": ("Sửa tài khoản", "Edit an account"),
    "admin.user": ("Tài khoản", "Account"),
    "admin.active": ("Đang hoạt động", "Active"),
    "admin.new_password": ("Mật khẩu mới (để trống: không đổi)", "New password (empty: unchanged)"),
    "admin.audit": ("Nhật ký thay đổi", "Audit log"),
    "admin.audit_help": ("Mọi thay đổi ngoài tải tệp (cài đặt, đợt, danh mục, tài khoản, rút tệp, đăng nhập). "
                         "Lịch sử tải tệp ở trang Tải lên.",
                         "Every write other than uploads (settings, campaign, unit list, accounts, withdrawals, "
                         "sign-ins). The upload history is on the Upload page."),
    "admin.uploads": ("Nhật ký tải tệp", "Upload log"),
    "col.when": ("Thời điểm (UTC)", "When (UTC)"),
    "col.actor": ("Người thực hiện", "By"),
    "col.source": ("Nguồn", "Source"),
    "col.action": ("Thao tác", "Action"),
    "col.target": ("Đối tượng", "Target"),
    "col.detail": ("Chi tiết", "Detail"),
    "col.account": ("Tài khoản", "Account"),
    "col.role": ("Vai trò", "Role"),
    "col.scopes": ("Phạm vi", "Assigned units"),
    "col.active": ("Hoạt động", "Active"),
    "col.locked_until": ("Tạm dừng đăng nhập đến", "Sign-in paused until"),
    "col.last_login": ("Đăng nhập gần nhất", "Last sign-in"),
    "backup.done": ("Đã sao lưu vào {path}", "Backed up to {path}"),
    "backup.restored": ("Đã khôi phục {db} từ {source}", "Restored {db} from {source}"),
    "backup.none": ("Không có bản sao lưu nào trong {folder}", "No backup in {folder}"),
    "backup.unreadable": ("Không đọc được bản sao lưu {file}: {error}", "Cannot read the backup {file}: {error}"),
    "backup.mismatch": ("Bản sao lưu {file} không khớp với cơ sở dữ liệu; đã hủy.",
                        "The backup {file} does not match the database; discarded."),
    "province.none": ("Chưa có danh mục đơn vị hành chính", "No unit list loaded"),
    "province.unknown": ("Không có tỉnh mã {province}", "No province with code {province}"),
    "upload.unknown": ("Không có lần tải lên số {upload_id}", "No upload number {upload_id}"),
    "upload.not_withdrawable": ("Lần tải lên số {upload_id} không rút được (trạng thái {outcome})",
                                "Upload {upload_id} cannot be withdrawn (outcome {outcome})"),
    "campaign.order": ("Ngày bắt đầu ({start}) phải trước hạn chót ({deadline})",
                       "The start ({start}) must come before the deadline ({deadline})"),
    "campaign.name_empty": ("Tên đợt không được để trống", "The campaign name cannot be empty"),
    "units.missing_columns": ("Tệp danh mục {file} thiếu cột: {columns}", "Unit list {file} lacks columns: {columns}"),
    "units.bad_row": ("Tệp danh mục {file}, dòng {row}: thiếu mã tỉnh, mã xã hoặc tên xã",
                      "Unit list {file}, row {row}: province code, commune code or name missing"),
    "units.bad_target": ("Tệp danh mục {file}, dòng {row}: chỉ tiêu '{value}' không hợp lệ",
                         "Unit list {file}, row {row}: invalid target '{value}'"),
    "units.empty": ("Tệp danh mục {file} không có dòng nào", "Unit list {file} has no rows"),
    "units.duplicate_code": ("Mã xã {code} xuất hiện hai lần trong danh mục", "Commune code {code} appears twice"),
    "arg.bad_date": ("Ngày không hợp lệ: {value} (dùng YYYY-MM-DD)", "Invalid date: {value} (use YYYY-MM-DD)"),
    "file.not_found": ("Không tìm thấy tệp {file}", "File not found: {file}"),
    # CLI
    "cli.problem_line": ("{file}, dòng {row}, cột {column}, giá trị '{value}': {problem}. Cách sửa: {fix}",
                         "{file}, row {row}, column {column}, value '{value}': {problem}. Fix: {fix}"),
    "cli.warning_line": ("Cảnh báo: {file}, dòng {row}, cột {column}, giá trị '{value}': {problem}. {fix}",
                         "Warning: {file}, row {row}, column {column}, value '{value}': {problem}. {fix}"),
    "cli.units_loaded": ("Đã nạp {communes} xã của {provinces} tỉnh ({added} mới, {removed} bị bỏ; "
                         "{orphaned_reports} báo cáo của các xã bị bỏ được giữ lại nhưng không còn được tính; "
                         "{moved_from_other_provinces} đơn vị chuyển từ tỉnh khác).",
                         "Loaded {communes} communes of {provinces} provinces ({added} new, {removed} removed; "
                         "{orphaned_reports} reports of removed communes are kept but no longer count; "
                         "{moved_from_other_provinces} units moved from another province)."),
    "cli.demo_loaded": ("Đã tạo dữ liệu mẫu: {communes} xã, {reports} báo cáo.",
                        "Demo data created: {communes} communes, {reports} reports."),
    # gazetteer: official unit lists by date (structures) and their conversion
    "gazetteer.unknown_province": ("Không tìm thấy tỉnh “{province}” trong danh mục {structure}. Gần giống: {candidates}",
                                   "No province “{province}” in the {structure} list. Closest: {candidates}"),
    "gazetteer.unknown_structure": ("Không có danh mục đơn vị hành chính “{structure}” (có: {known})",
                                    "No administrative unit list “{structure}” (available: {known})"),
    "gazetteer.no_conversion": ("Không có bảng chuyển đổi từ danh mục {source} sang {target} (có: {known})",
                                "No conversion from the {source} list to the {target} list (available: {known})"),
    # map chart
    "chart.commune_map": ("Bản đồ tiến độ các xã", "Communes on the map"),
    "chart.map_missing": ("{count} xã không có tọa độ nên không hiện trên bản đồ",
                          "{count} communes without coordinates are not on the map"),
    "chart.map_records_total": ("Tổng số trường hợp", "Records in total"),
    "chart.map_off_frame": ("Ngoài khung (thu phóng để xem): {names}", "Outside the frame (zoom out to see): {names}"),
    # unit structures (versions of the unit list in time)
    "structure.unknown": ("Không có danh mục đơn vị {structure}.", "There is no unit list {structure}."),
    "structure.no_provinces": ("Danh mục đơn vị {structure} chưa có tỉnh nào.", "The unit list {structure} holds no province."),
    "structure.no_province": ("Không tìm thấy đơn vị tương ứng với {province} trong danh mục {structure}.",
                              "No unit corresponds to {province} in the unit list {structure}."),
    "units.mapping_columns": ("Tệp đối chiếu {file} cần các cột old_commune_code và new_commune_code.",
                              "The mapping file {file} needs the columns old_commune_code and new_commune_code."),
    "units.mapping_row": ("Tệp đối chiếu {file}, dòng {row}: thiếu mã xã cũ hoặc mới.",
                          "Mapping file {file}, row {row}: the old or the new commune code is missing."),
    "units.version_exists": ("Đã có danh mục đơn vị áp dụng từ {day}; dùng lệnh units không có --from để thay.",
                             "A unit list from {day} is already in force; use units without --from to replace it."),
    "units.mapping_needs_from": ("--mapping chỉ dùng cùng --from NGÀY.", "--mapping is used only with --from DATE."),
    "cli.setup_done": ("Đã thiết lập: {province} (danh mục {structure}). Các danh mục: {structures}.",
                       "Set up: {province} (unit list {structure}). Unit lists: {structures}."),
    "cli.version_loaded": ("Đã thêm danh mục áp dụng từ {day}: {communes} xã; {links} xã nối với danh mục {from_structure}.",
                           "Added the unit list from {day}: {communes} communes; {links} linked to the list {from_structure}."),
    "check.older_structure": ("Tệp được đọc theo {structure} (mã và tên xã khớp danh mục này), không theo {current} đang áp dụng cho ngày báo cáo.",
                              "The file was read in the {structure} (its codes and names fit it), not in the {current} in force on its report date."),
    "fix.older_structure": ("Kiểm tra lại các xã đã sáp nhập; lần sau dùng mẫu báo cáo mới.",
                            "Check the merged communes; next time use the current template."),
    "sidebar.structure": ("Danh mục đơn vị", "Unit structure"),
    "structure.newer_reports": ("{count} báo cáo lập theo danh mục mới hơn không được tính trong danh mục này.",
                                "{count} reports made in a newer unit list are not counted in this one."),
    # import: files as offices make them (district's own report, blank template rows, two columns of a figure)
    "check.district_from_title": ("Tệp không có cột Huyện: các xã được đọc là của {district}, theo dòng tiêu đề "
                                  "«{text}»",
                                  "The file has no district column: its communes are read as those of {district}, "
                                  "from the title line «{text}»"),
    "check.district_from_file_name": ("Tệp không có cột Huyện: các xã được đọc là của {district}, theo tên tệp "
                                      "«{text}»",
                                      "The file has no district column: its communes are read as those of "
                                      "{district}, from the file name «{text}»"),
    "fix.district_from_file": ("Kiểm tra đúng huyện; nếu không, thêm cột Huyện (hoặc Mã xã) vào tệp",
                               "Check that this is the right district; if not, add a Huyện (district) or Mã xã "
                               "(commune code) column"),
    "check.rows_without_figures": ("{count} dòng có tên hoặc mã xã nhưng không có số liệu: bỏ qua",
                                   "{count} rows with a commune name or code but no figures: skipped"),
    "fix.rows_without_figures": ("Không cần làm gì nếu các xã này chưa báo cáo; nếu có, điền số liệu rồi tải lại",
                                 "Nothing to do if these communes have not reported; otherwise fill in their "
                                 "figures and upload again"),
    "check.columns_same_kind": ("Có nhiều cột «{kind}»: {columns}; không rõ lấy cột nào",
                                "Several «{kind}» columns: {columns}; it is not clear which one to read"),
    "fix.columns_same_kind": ("Xóa cột cũ, hoặc ghi ngày vào tiêu đề cột (ví dụ «Đã số hóa đến 25/02»)",
                              "Delete the old column, or put its date in the header (e.g. «Đã số hóa đến 25/02»)"),
    "check.column_chosen": ("Có nhiều cột «{kind}» ({columns}): đã đọc cột {chosen}",
                            "Several «{kind}» columns ({columns}): read {chosen}"),
    "fix.column_chosen": ("Kiểm tra đúng cột của ngày báo cáo; nếu không, xóa cột cũ rồi tải lại",
                          "Check that this is the report date's column; if not, delete the other one and upload "
                          "again"),
    # sign-in throttling and refused writes: every refusal names what was refused
    "auth.bad_login_wait": ("Chưa đăng nhập được: sai tên đăng nhập hoặc mật khẩu, hoặc đã sai nhiều lần. "
                            "Hãy thử lại sau {seconds} giây.",
                            "Not signed in: wrong user name or password, or too many failures. "
                            "Try again in {seconds} seconds."),
    "auth.unlocked": ("Đã bỏ thời gian chờ đăng nhập của {name} ({rows} mục).",
                      "Sign-in waits of {name} lifted ({rows} entries)."),
    "auth.forbidden.view": ("Tài khoản {user} (vai trò {role}) không được xem số liệu.",
                            "Account {user} (role {role}) may not see the figures."),
    "auth.forbidden.upload": ("Tài khoản {user} (vai trò {role}) không được tải lên số liệu. Không ghi gì.",
                              "Account {user} (role {role}) may not upload figures. Nothing written."),
    "auth.forbidden.withdraw": ("Tài khoản {user} (vai trò {role}) không được rút lần tải lên. Không rút gì.",
                                "Account {user} (role {role}) may not withdraw uploads. Nothing withdrawn."),
    "auth.forbidden.explain": ("Tài khoản {user} (vai trò {role}) không được ghi hoặc xóa giải trình.",
                               "Account {user} (role {role}) may not record or delete explanations."),
    "auth.forbidden.alias": ("Tài khoản {user} (vai trò {role}) không được lưu tên gọi của đơn vị.",
                             "Account {user} (role {role}) may not save names of units."),
    "auth.forbidden.settings": ("Tài khoản {user} (vai trò {role}) không được thay đổi cài đặt.",
                                "Account {user} (role {role}) may not change the settings."),
    "auth.forbidden.campaign": ("Tài khoản {user} (vai trò {role}) không được thay đổi đợt cao điểm.",
                                "Account {user} (role {role}) may not change the campaign."),
    "auth.forbidden.units": ("Tài khoản {user} (vai trò {role}) không được thay đổi danh mục đơn vị.",
                             "Account {user} (role {role}) may not change the unit list."),
    "auth.forbidden.users": ("Tài khoản {user} (vai trò {role}) không được quản lý tài khoản.",
                             "Account {user} (role {role}) may not manage accounts."),
    "auth.forbidden.audit": ("Tài khoản {user} (vai trò {role}) không được xem nhật ký.",
                             "Account {user} (role {role}) may not read the audit log."),
    "auth.forbidden.demo": ("Tài khoản {user} (vai trò {role}) không được tạo dữ liệu mẫu.",
                            "Account {user} (role {role}) may not create demo data."),
    "auth.forbidden.restore": ("Tài khoản {user} (vai trò {role}) không được khôi phục bản sao lưu.",
                               "Account {user} (role {role}) may not restore a backup."),
    "auth.outside.upload": ("Tài khoản {user} không được giao {count} xã trong tệp: {communes}. Không ghi gì.",
                            "Account {user} is not assigned {count} commune(s) of the file: {communes}. "
                            "Nothing written."),
    "auth.outside.withdraw": ("Tài khoản {user} không được giao {count} xã của lần tải lên số {upload_id}: "
                              "{communes}. Không rút gì.",
                              "Account {user} is not assigned {count} commune(s) of upload {upload_id}: "
                              "{communes}. Nothing withdrawn."),
    "auth.outside.explain": ("Tài khoản {user} không được giao xã {communes}: giải trình không được ghi hoặc xóa.",
                             "Account {user} is not assigned commune {communes}: the explanation is not recorded "
                             "or deleted."),
    "auth.outside.alias": ("Tài khoản {user} không được giao xã {communes}: tên gọi không được lưu.",
                           "Account {user} is not assigned commune {communes}: the name is not saved."),
    # hostile input: control characters refused where text comes in
    "units.control_char": ("Tệp danh mục {file}, dòng {row}, cột {column}: có ký tự điều khiển không in được "
                           "({char}, ký tự thứ {position}). Hãy xoá ký tự đó (thường lẫn vào khi sao chép từ "
                           "Word hoặc phần mềm khác) rồi tải lại tệp.",
                           "Unit list {file}, row {row}, column {column}: an invisible control character "
                           "({char}, character {position}). Delete it (it usually comes in when copying from "
                           "Word or another program) and upload the file again."),
    "campaign.name_control": ("Tên đợt có ký tự điều khiển không in được ({char}, ký tự thứ {position}); "
                              "hãy xoá ký tự đó rồi lưu lại",
                              "The campaign name holds an invisible control character ({char}, character "
                              "{position}); delete it and save again"),
    "explain.reason_control": ("Lý do có ký tự điều khiển không in được ({char}, ký tự thứ {position}), "
                               "thường lẫn vào khi sao chép từ Word; hãy xoá ký tự đó (hoặc gõ lại đoạn đó) "
                               "rồi lưu lại",
                               "The reason holds an invisible control character ({char}, character "
                               "{position}), usually from copying out of Word; delete it (or retype that "
                               "passage) and save again"),
    "explain.responsible_control": ("Tên người chịu trách nhiệm có ký tự điều khiển không in được ({char}, "
                                    "ký tự thứ {position}); hãy xoá ký tự đó rồi lưu lại",
                                    "The responsible person's name holds an invisible control character "
                                    "({char}, character {position}); delete it and save again"),
    # hostile workbooks: a sheet's extent is checked before it is read
    "read.far_cell": ("Trang tính «{sheet}» có dữ liệu ở ô {cell}, vượt giới hạn đọc ({max_rows} dòng, {max_cols} cột)",
                      "Sheet «{sheet}» has data at cell {cell}, beyond what can be read ({max_rows} rows, "
                      "{max_cols} columns)"),
    "read.sheet_area": ("Vùng dữ liệu của trang tính «{sheet}» quá lớn để đọc: từ ô A1 đến ô {cell} ({rows} dòng × "
                        "{cols} cột; cả tệp tối đa {limit} ô)",
                        "The data area of sheet «{sheet}» is too large to read: from A1 to {cell} ({rows} rows × "
                        "{cols} columns; at most {limit} cells in a file)"),
    "fix.stray_cells": ("Xóa các ô thừa ở xa bảng (chọn các dòng, cột trống sau bảng và xóa hẳn), hoặc chép bảng "
                        "sang một trang tính mới, rồi gửi lại",
                        "Delete the stray cells far from the table (select the empty rows and columns after the "
                        "table and delete them), or copy the table to a new sheet, then send the file again"),
    # dates taken from the URL or the command line are bounded by the data
    "sidebar.as_of_clamped": ("Ngày {asked} trong đường dẫn nằm ngoài khoảng có số liệu ({low} – {high}): đang "
                              "hiển thị ngày {shown}.",
                              "The date {asked} in the link is outside the span of the data ({low} – {high}): "
                              "showing {shown}."),
    "sidebar.as_of_invalid": ("Ngày «{asked}» trong đường dẫn không hợp lệ (cần dạng năm-tháng-ngày, ví dụ "
                              "2025-03-05): đang hiển thị ngày {shown}.",
                              "The date «{asked}» in the link is not valid (expected year-month-day, e.g. "
                              "2025-03-05): showing {shown}."),
    "cli.as_of_out_of_range": ("Ngày --as-of {as_of} nằm ngoài khoảng có số liệu: chọn một ngày từ {low} đến {high}",
                               "--as-of {as_of} is outside the span of the data: pick a day from {low} to {high}"),
    "campaign.out_of_range": ("Ngày bắt đầu và hạn chót phải trong khoảng {low} – {high}",
                              "The start and the deadline must lie between {low} and {high}"),
    "campaign.too_long": ("Đợt số hóa dài quá {days} ngày ({start} – {deadline}): kiểm tra lại ngày",
                          "The campaign is longer than {days} days ({start} – {deadline}): check the dates"),
}


def t(key: str, lang: str = DEFAULT_LANG, **values: Any) -> str:
    """The text of ``key`` in ``lang`` with ``values`` filled in; the key itself when unknown."""
    pair = CATALOGUE.get(key)
    if pair is None:
        return key
    text = pair[0] if lang == "vi" else pair[1]
    if values:
        try:
            return text.format(**values)
        except (KeyError, IndexError, ValueError):
            return text
    return text


def _locale(lang: str) -> str:
    return "vi_VN" if lang == "vi" else "en_US"


def fmt_int(value: Any, lang: str = DEFAULT_LANG) -> str:
    """12.345 in Vietnamese, 12,345 in English; an empty cell stays empty."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return format_decimal(round(float(value)), format="#,##0", locale=_locale(lang))


def fmt_num(value: Any, lang: str = DEFAULT_LANG, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    pattern = "#,##0." + "0" * digits if digits else "#,##0"
    return format_decimal(float(value), format=pattern, locale=_locale(lang))


def fmt_pct(value: Any, lang: str = DEFAULT_LANG, digits: int = 1) -> str:
    """45,3 % in Vietnamese, 45.3 % in English."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{fmt_num(value, lang, digits)} %"


def fmt_date(value: Any, lang: str = DEFAULT_LANG) -> str:
    """05/03/2025 (day first) in both languages, as official documents write it."""
    if value is None:
        return "–"
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    try:
        return value.strftime("%d/%m/%Y")
    except (AttributeError, ValueError):
        return "–"
